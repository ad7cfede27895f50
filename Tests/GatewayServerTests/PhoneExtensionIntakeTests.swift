import Foundation
import GatewayTestSupport
import Testing

@Suite("A complainant's extension, which E.164 has no place for")
struct PhoneExtensionIntakeTests {
    @Test("POST /v1/complaints: the number in complainant.phone, the extension in source.extra")
    func apiExtension() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/complaints",
            body: Data(#"{"text":"路灯不亮","complainant":{"phone":"0571-87654321 转 8001"}}"#.utf8))
        #expect(reply.status == 201)
        let id = try #require(reply.json["id"] as? String)
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        #expect((record["complainant"] as? [String: Any])?["phone"] as? String == "+8657187654321")
        let extra = (record["source"] as? [String: Any])?["extra"] as? [String: Any]
        #expect(extra?["complainant_phone_extension"] as? String == "8001")
        try await gateway.stop()
        await downstream.stop()
    }
}
