import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("Idempotency and deduplication")
struct IdempotencyTests {
    @Test("the same Idempotency-Key returns the same id and creates nothing new")
    func sameKeySameID() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let body = #"{"text":"楼上漏水"}"#
        let first = try await gateway.post(body, idempotencyKey: "order-42")
        let second = try await gateway.post(body, idempotencyKey: "order-42")
        #expect(first.status == 201)
        #expect(second.status == 200)
        #expect(second.json["duplicate"] as? Bool == true)
        #expect(first.json["id"] as? String == second.json["id"] as? String)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "1")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM outbox") == "1")
        // The retry's payload is kept for the record, marked as a duplicate.
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'duplicate'")
                == "1"
        )

        // A client library that serialises the same object again, spaced or ordered otherwise,
        // sends the same request.
        let respaced = try await gateway.post(#"{ "text" : "楼上漏水" }"#, idempotencyKey: "order-42")
        #expect(respaced.status == 200)
        #expect(respaced.json["id"] as? String == first.json["id"] as? String)
        let reordered = try await gateway.post(#"{"subject":null,"text":"楼上漏水"}"#, idempotencyKey: "order-42")
        #expect(reordered.status == 200)

        let conflict = try await gateway.post(#"{"text":"别的内容"}"#, idempotencyKey: "order-42")
        #expect(conflict.status == 422)
        #expect(conflict.errorCode == "idempotency_key_reused")
        #expect((conflict.json["error"] as? [String: Any])?["id"] as? String == first.json["id"] as? String)
        // The refused body is kept with the quarantine, with the reason.
        let quarantined = try await gateway.request(.get, "/v1/quarantine")
        let item = try #require((quarantined.json["items"] as? [[String: Any]])?.first)
        #expect((item["error"] as? String)?.contains("Idempotency-Key order-42 already used for") == true)
        #expect((conflict.json["error"] as? [String: Any])?["raw_id"] as? String == item["id"] as? String)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an Idempotency-Key belongs to the integrator's token: another integrator's same key is a new complaint")
    func keyScopedPerToken() async throws {
        let downstream = try await DownstreamServer.start()
        let other = "crm-partner-token-0123456789"
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            configuration.auth.tokens.append(.init(name: "crm-partner", secret: other, scopes: [.submit]))
        }
        let first = try await gateway.post(#"{"text":"楼上漏水"}"#, idempotencyKey: "1")
        let theirs = try await gateway.request(
            .post, "/v1/complaints", body: Data(#"{"text":"小区噪音"}"#.utf8), token: other,
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "1")])
        #expect(first.status == 201)
        #expect(theirs.status == 201, "\(String(decoding: theirs.body, as: UTF8.self))")
        #expect(first.json["id"] as? String != theirs.json["id"] as? String)
        // Each integrator's own retry is still its duplicate.
        let retry = try await gateway.request(
            .post, "/v1/complaints", body: Data(#"{"text":"小区噪音"}"#.utf8), token: other,
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "1")])
        #expect(retry.status == 200)
        #expect(retry.json["id"] as? String == theirs.json["id"] as? String)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("concurrent retries with one key create one complaint")
    func concurrentRetries() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await gateway.post(#"{"text":"同一投诉"}"#, idempotencyKey: "same-key").json["id"] as? String
                }
            }
            var ids: Set<String?> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(ids.count == 1)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the same source.external_id from the same integrator is a duplicate")
    func externalIDDedup() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let first = try await gateway.post(#"{"text":"a","source":{"external_id":"CRM-1"}}"#)
        let second = try await gateway.post(#"{"text":"a (resent)","source":{"external_id":"CRM-1"}}"#)
        #expect(first.status == 201)
        #expect(second.status == 200)
        #expect(first.json["id"] as? String == second.json["id"] as? String)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a malformed Idempotency-Key is refused")
    func badKey() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.post(#"{"text":"a"}"#, idempotencyKey: String(repeating: "k", count: 300))
        #expect(reply.status == 400)
        #expect(reply.errorCode == "invalid_idempotency_key")
        try await gateway.stop()
        await downstream.stop()
    }
}
