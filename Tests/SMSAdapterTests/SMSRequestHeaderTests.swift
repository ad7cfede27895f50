import Foundation
import SMSAdapter
import Testing

/// Header names match by ASCII case folding only: letters fold, nothing else does.
@Suite struct SMSRequestHeaderTests {
    private static func request(_ headers: [(String, String)]) -> SMSRequest {
        SMSRequest(
            path: "/v1/sms/twilio", query: nil, headers: headers.map { SMSRequest.Header(name: $0.0, value: $0.1) },
            body: Data())
    }

    @Test func namesMatchWhateverTheirLettersCase() {
        let request = Self.request([("x-twilio-signature", "sig"), ("Content-Type", "text/plain")])
        #expect(request.header("X-Twilio-Signature") == "sig")
        #expect(request.header("X-TWILIO-SIGNATURE") == "sig")
        #expect(request.header("content-type") == "text/plain")
        #expect(request.header("X-Twilio-Signatur") == nil)
    }

    @Test func onlyLettersFold() {
        // '@' and '`', '[' and '{' differ by the case bit but are not letters.
        let request = Self.request([("x@", "a"), ("y[", "b"), ("x_y", "c")])
        #expect(request.header("X`") == nil)
        #expect(request.header("Y{") == nil)
        #expect(request.header("X-Y") == nil)
        #expect(request.header("X@") == "a")
    }

    @Test func theFirstOfRepeatedNamesAnswers() {
        let request = Self.request([("X-Dup", "1"), ("x-dup", "2")])
        #expect(request.header("x-DUP") == "1")
    }
}
