import HTTPTypes
import Testing

@testable import GatewayServer

/// The scan-based header accessors answer exactly what HTTPFields' own subscript answers.
@Suite struct HTTPFieldsValueTests {
    @Test func aSingleFieldIsFoundWhateverTheCaseOfItsName() {
        let fields = HTTPFields([
            HTTPField(name: HTTPField.Name("content-type")!, value: "application/json"),
            HTTPField(name: .idempotencyKey, value: "k-1"),
        ])
        #expect(fields.value(.contentType) == "application/json")
        #expect(fields.value(HTTPField.Name("IDEMPOTENCY-KEY")!) == "k-1")
        #expect(fields.value(.authorization) == nil)
    }

    @Test func repeatedFieldsAreJoinedAsTheSubscriptJoinsThem() {
        let fields = HTTPFields([
            HTTPField(name: .authorization, value: "Bearer a"),
            HTTPField(name: .contentType, value: "text/plain"),
            HTTPField(name: .authorization, value: "Bearer b"),
        ])
        #expect(fields.value(.authorization) == "Bearer a, Bearer b")
        #expect(fields.value(.authorization) == fields[.authorization])
    }

    @Test func setReplacesEveryFieldOfTheNameOrAppends() {
        var fields = HTTPFields([
            HTTPField(name: .cacheControl, value: "max-age=60"),
            HTTPField(name: .cacheControl, value: "public"),
        ])
        fields.set(.cacheControl, "no-store")
        fields.set(.xFrameOptions, "DENY")
        #expect(fields[values: .cacheControl] == ["no-store"])
        #expect(fields[values: .xFrameOptions] == ["DENY"])
        #expect(fields.count == 2)
        #expect(fields.has(.xFrameOptions) && !fields.has(.referrerPolicy))
    }
}
