import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("Bad requests: the right status, a precise message, nothing half-stored")
struct RequestValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let token: String?
        let contentType: String
        let status: Int
        let code: String
        let messageContains: String
        /// Authenticated payloads that fail to parse are kept in quarantine; refused ones are not.
        let quarantined: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "malformed JSON", body: #"{"text": "噪音","#, token: RunningGateway.token,
            contentType: "application/json",
            status: 400, code: "malformed_json",
            messageContains: "malformed JSON at line 1, column 15: expected '\"' to start a key", quarantined: true),
        Case(
            name: "not an object", body: #"["text"]"#, token: RunningGateway.token, contentType: "application/json",
            status: 400, code: "malformed_json", messageContains: "expected a JSON object", quarantined: true),
        Case(
            name: "missing text", body: #"{"subject":"x"}"#, token: RunningGateway.token,
            contentType: "application/json",
            status: 422, code: "invalid_record", messageContains: "text: required field is missing", quarantined: true),
        Case(
            name: "empty text", body: #"{"text":"   "}"#, token: RunningGateway.token, contentType: "application/json",
            status: 422, code: "invalid_record", messageContains: "text: must not be empty", quarantined: true),
        Case(
            name: "wrong type", body: #"{"text":"x","complainant":{"phone":13812345678}}"#, token: RunningGateway.token,
            contentType: "application/json", status: 422, code: "invalid_record",
            messageContains: "complainant.phone: expected a string, found a number", quarantined: true),
        Case(
            name: "unknown field", body: #"{"text":"x","catgory":"投诉"}"#, token: RunningGateway.token,
            contentType: "application/json", status: 422, code: "invalid_record",
            messageContains: "catgory: unknown field",
            quarantined: true),
        Case(
            name: "another channel", body: #"{"text":"x","channel":"sms"}"#, token: RunningGateway.token,
            contentType: "application/json", status: 422, code: "invalid_record",
            messageContains: #"channel: must be "api" on this endpoint (or left out), found "sms""#, quarantined: true),
        Case(
            name: "bad timestamp", body: #"{"text":"x","occurred_at":"yesterday"}"#, token: RunningGateway.token,
            contentType: "application/json", status: 422, code: "invalid_record",
            messageContains: "occurred_at: not an RFC 3339 timestamp", quarantined: true),
        Case(
            name: "missing token", body: #"{"text":"x"}"#, token: nil, contentType: "application/json",
            status: 401, code: "unauthorized", messageContains: "missing Authorization", quarantined: false),
        Case(
            name: "wrong token", body: #"{"text":"x"}"#, token: "wrong-token-0123456789",
            contentType: "application/json",
            status: 401, code: "unauthorized", messageContains: "invalid token", quarantined: false),
        Case(
            name: "form body", body: "text=x", token: RunningGateway.token,
            contentType: "application/x-www-form-urlencoded",
            status: 415, code: "unsupported_media_type", messageContains: "Content-Type must be application/json",
            quarantined: false),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/complaints", body: Data(testCase.body.utf8), token: testCase.token,
            headers: [("Content-Type", testCase.contentType)])
        #expect(reply.status == testCase.status)
        #expect(reply.errorCode == testCase.code)
        #expect(
            reply.errorMessage?.contains(testCase.messageContains) == true,
            "message was: \(reply.errorMessage ?? "nil")")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM outbox") == "0")
        let kept = try await sqlite(
            gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'")
        #expect(kept == (testCase.quarantined ? "1" : "0"))
        if testCase.quarantined {
            let rawID = try #require((reply.json["error"] as? [String: Any])?["raw_id"] as? String)
            let listed = try await gateway.request(.get, "/v1/quarantine")
            let items = try #require(listed.json["items"] as? [[String: Any]])
            #expect(items.first?["id"] as? String == rawID)
            #expect(
                try await sqlite(gateway.databasePath, "SELECT body FROM raw_payloads WHERE id = '\(rawID)'")
                    == testCase.body
            )
        }
        try await gateway.stop()
        await downstream.stop()
    }

    /// DESIGN's row for the endpoint: "one record in the common shape (channel `api`)".
    @Test("the record's shape with channel api and the gateway's fields left null is taken")
    func recordShapeWithChannelAPI() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.post(
            #"{"schema":"complaint/v1","id":null,"channel":"api","received_at":null,"ingested_at":null,"#
                + #""source":{"adapter":null,"external_id":"crm-1","raw_id":null,"extra":{}},"text":"路灯不亮","#
                + #""attachments":[],"routing":null}"#)
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let typo = try await gateway.post(#"{"text":"x","catgory":"投诉"}"#)
        #expect(typo.errorMessage?.contains("accepted: attachments, category, complainant, location") == true)
        // The gateway's own fields are named apart: sent, their values are not used.
        #expect(
            typo.errorMessage?.hasSuffix("thread; set by the gateway: channel, id, ingested_at, received_at, routing)")
                == true, "\(typo.errorMessage ?? "")")
        let flatPhone = try await gateway.post(#"{"text":"x","phone":"13812345678"}"#)
        #expect(
            flatPhone.errorMessage?.hasPrefix("phone: unknown field (did you mean complainant.phone?) (accepted: ")
                == true)
        let flatAddress = try await gateway.post(#"{"text":"x","address":"文三路1号"}"#)
        #expect(flatAddress.errorMessage?.hasPrefix("address: unknown field (did you mean location.address?)") == true)
        let sourceTypo = try await gateway.post(#"{"text":"x","source":{"externalid":"1"}}"#)
        #expect(
            sourceTypo.errorMessage
                == "source.externalid: unknown field (accepted: external_id, extra; set by the gateway: adapter, raw_id)"
        )
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an oversized body gets 413 and is not stored")
    func oversizedBody() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let text = String(repeating: "噪", count: 400_000)  // 1.2 MB, over the 1 MiB limit
        let reply = try await gateway.post(#"{"text":"\#(text)"}"#)
        #expect(reply.status == 413)
        #expect(reply.errorCode == "body_too_large")
        #expect(reply.errorMessage?.contains("1048576") == true)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a compressed body gets 415 naming the coding and is not stored")
    func compressedBody() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/complaints", body: Data([0x1F, 0x8B, 0x08, 0x00, 0x00]),
            headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(reply.status == 415)
        #expect(reply.errorCode == "unsupported_content_encoding")
        #expect(reply.errorMessage == #"Content-Encoding "gzip" is not accepted: send the body uncompressed"#)
        #expect(reply.headers.contains { $0.0.lowercased() == "accept-encoding" && $0.1 == "identity" })
        let identity = try await gateway.request(
            .post, "/v1/complaints", body: Data(#"{"text":"楼道灯坏了"}"#.utf8),
            headers: [("Content-Type", "application/json"), ("Content-Encoding", "identity")])
        #expect(identity.status == 201)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a token without the scope gets 403")
    func scopeEnforced() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            configuration.auth.tokens.append(.init(name: "reader", secret: "reader-token-0123456789", scopes: [.read]))
        }
        let reply = try await gateway.request(
            .post, "/v1/complaints", body: Data(#"{"text":"x"}"#.utf8),
            token: "reader-token-0123456789")
        #expect(reply.status == 403)
        #expect(reply.errorMessage?.contains("submit") == true)
        let read = try await gateway.request(.get, "/v1/complaints", token: "reader-token-0123456789")
        #expect(read.status == 200)
        try await gateway.stop()
        await downstream.stop()
    }
}
