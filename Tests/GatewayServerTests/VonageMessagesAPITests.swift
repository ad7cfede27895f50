import ComplaintCore
import Crypto
import Foundation
import GatewayTestSupport
import Testing

/// Vonage's Messages API through the real server: inbound SMS as JSON, signed with a JWT made at
/// test time (HS256 with the signature secret, the body's hash in `payload_hash`), as Vonage signs
/// it; the same account's `sig`-signed SMS API webhooks keep working beside it.
@Suite("Vonage Messages API webhooks")
struct VonageMessagesAPITests {
    static let secret = SMSWebhookTests.vectors.secrets["vonage_signature_secret"]!

    static func jwt(body: String, secret: String = secret, issuedAt: Int = Int(Date().timeIntervalSince1970))
        -> String
    {
        func base64URL(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let hash = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        let header = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims = base64URL(
            Data(#"{"iat":\#(issuedAt),"jti":"j-1","iss":"Vonage","payload_hash":"\#(hash)","api_key":"k"}"#.utf8))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(header).\(claims)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(header).\(claims).\(base64URL(Data(mac)))"
    }

    static func inbound(_ id: String, _ text: String) -> String {
        #"{"channel":"sms","message_uuid":"\#(id)","to":"447700900000","from":"8613812345678","timestamp":"2026-11-18T08:46:30Z","text":"\#(text)","sms":{"num_messages":"2"},"message_type":"text"}"#
    }

    func post(_ gateway: RunningGateway, _ body: String, token: String) async throws -> RunningGateway.Reply {
        try await gateway.request(
            .post, "/v1/sms/vonage", body: Data(body.utf8), token: nil,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")])
    }

    @Test("an inbound message is stored and delivered once; a status update is acknowledged; forgeries are 403")
    func endToEnd() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await HostileSMSWebhookTests.start(downstream)
        let body = Self.inbound("aaaaaaaa-bbbb-4ccc-8ddd-000000000001", "小区门口的路灯坏了一个月，晚上很危险")
        #expect(try await post(gateway, body, token: Self.jwt(body: body)).status == 200)
        #expect(try await post(gateway, body, token: Self.jwt(body: body)).status == 200)  // Vonage's retry
        let status =
            #"{"message_uuid":"aaaaaaaa-bbbb-4ccc-8ddd-000000000001","to":"8613812345678","status":"delivered","channel":"sms"}"#
        #expect(try await post(gateway, status, token: Self.jwt(body: status)).status == 200)
        for (name, forged, code) in [
            ("altered text", body.replacingOccurrences(of: "一个月", with: "两个月"), "bad_signature"),
            ("another secret", body, "bad_signature"),
            ("stale", body, "stale_timestamp"),
        ] {
            let token =
                name == "another secret"
                ? Self.jwt(body: body, secret: "not-the-secret")
                : name == "stale"
                    ? Self.jwt(body: body, issuedAt: Int(Date().timeIntervalSince1970) - 400) : Self.jwt(body: body)
            let reply = try await post(gateway, forged, token: token)
            #expect(reply.status == 403, "\(name)")
            #expect(reply.errorCode == code, "\(name)")
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "1")
        try await eventually("delivery") { downstream.requests.count == 1 }
        let record = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(record.source.adapter == "vonage")
        #expect(record.source.externalID == "aaaaaaaa-bbbb-4ccc-8ddd-000000000001")
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.text == "小区门口的路灯坏了一个月，晚上很危险")
        #expect(RFC3339.format(record.receivedAt) == "2026-11-18T08:46:30Z")
        try await gateway.stop()
        await downstream.stop()
    }
}
