import ComplaintCore
import Foundation
import GatewayTestSupport
import InMemoryLogging
import Logging
import Testing

@Suite("Dead letters and signing through the gateway")
struct DeadLetterAPITests {
    @Test("a rejected delivery is listed with its last response, replayed by id and by department")
    func listAndReplay() async throws {
        let downstream = try await DownstreamServer.start(defaultScript: .status(400))
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "dead-letters") { _ in logs }
        logger.logLevel = .info
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL, logger: logger)
        var ids: [String] = []
        for index in 0..<3 {
            let reply = try await gateway.post(#"{"text":"想咨询一下办事流程 \#(index)"}"#)
            ids.append(try #require(reply.json["id"] as? String))
        }
        try await eventually("three dead letters") {
            (try await gateway.request(.get, "/v1/deadletters").json["items"] as? [Any])?.count == 3
        }
        // A complaint that will not be delivered is what an operator must see: logged as an error.
        let deadEntries = logs.entries.filter {
            $0.message.description == "delivery attempt" && $0.metadata["cg.outcome"] == "dead"
        }
        #expect(deadEntries.count == 3)
        #expect(deadEntries.allSatisfy { $0.level == .error && $0.metadata["cg.next_attempt_at"] == nil })
        let listed = try #require(try await gateway.request(.get, "/v1/deadletters").json["items"] as? [[String: Any]])
        let first = try #require(listed.first { $0["complaint_id"] as? String == ids[0] })
        #expect(first["department"] as? String == "citizen-services")
        let deliveries =
            try await gateway.request(.get, "/v1/complaints/\(ids[0])").json["deliveries"] as? [[String: Any]]
        #expect(
            first["attempts"] as? Int == 1,
            "\(deliveries?.map { "\($0["outcome"] ?? "") \($0["error"] ?? "")" } ?? [])")
        #expect((first["error"] as? String)?.contains("HTTP 400") == true)
        let last = try #require(first["last_attempt"] as? [String: Any])
        #expect(last["status"] as? Int == 400)
        #expect((last["response_snippet"] as? String)?.hasSuffix(" from /citizen-services") == true)
        #expect(
            (try await gateway.request(.get, "/v1/deadletters?department=water-supply").json["items"] as? [Any])?
                .isEmpty == true)
        #expect(try await gateway.request(.get, "/v1/deadletters?limit=0").status == 400)
        // Paged: a full page carries next_cursor; following it lists every dead letter once.
        var paged: [String] = []
        var cursor: String?
        repeat {
            let page = try await gateway.request(
                .get, "/v1/deadletters?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            ).json
            paged += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["complaint_id"] as? String }
            cursor = page["next_cursor"] as? String
        } while cursor != nil && paged.count < 10
        #expect(paged.count == ids.count)
        #expect(Set(paged) == Set(ids))
        #expect(paged == listed.compactMap { $0["complaint_id"] as? String })
        #expect(try await gateway.request(.get, "/v1/deadletters?cursor=yesterday").status == 400)
        let tampered = try await gateway.request(
            .get, "/v1/deadletters?cursor=1764850000123-cmp_01ARZ3NDEKTSV4RRFFQ69G5FAV")
        #expect(tampered.status == 400)
        #expect(tampered.errorMessage?.contains("names no stored complaint") == true)

        // The complaint's own view shows the attempt: time, status, latency, error, snippet.
        let detail = try await gateway.request(.get, "/v1/complaints/\(ids[0])").json
        #expect(detail["state"] as? String == "dead")
        let attempt = try #require((detail["deliveries"] as? [[String: Any]])?.first)
        #expect(attempt["status"] as? Int == 400)
        #expect(attempt["outcome"] as? String == "dead")
        #expect(attempt["at"] is String)
        #expect(attempt["latency_ms"] is Double || attempt["latency_ms"] is Int)
        #expect((attempt["response_snippet"] as? String)?.hasSuffix(" from /citizen-services") == true)

        downstream.setDefault(.status(200))
        let replay = try await gateway.request(.post, "/v1/deadletters/\(ids[0])/replay", body: Data())
        #expect(replay.status == 200)
        #expect(replay.json["replayed"] as? [String] == [ids[0]])
        try await eventually("replayed one delivered") {
            try await gateway.request(.get, "/v1/complaints/\(ids[0])").json["state"] as? String == "delivered"
        }
        // Not a dead letter any more: said so, apart from an id that names nothing.
        let delivered = try await gateway.request(.post, "/v1/deadletters/\(ids[0])/replay", body: Data())
        #expect(delivered.status == 409)
        #expect(delivered.errorCode == "not_a_dead_letter")
        #expect(delivered.errorMessage == "complaint \(ids[0]) is not a dead letter: it was delivered")
        let unknown = try await gateway.request(.post, "/v1/deadletters/cmp_nothing/replay", body: Data())
        #expect(unknown.status == 404)
        #expect(unknown.errorMessage == "no complaint cmp_nothing")
        let listTypo = try await gateway.request(.get, "/v1/deadletters?department=citizen-service")
        #expect(listTypo.status == 404)
        #expect(listTypo.errorCode == "unknown_department")
        // A misspelt parameter name replays nothing rather than every department's dead letters.
        let misspelt = try await gateway.request(
            .post, "/v1/deadletters/replay?departmnet=citizen-services", body: Data())
        #expect(misspelt.status == 400)
        #expect(misspelt.errorMessage?.hasPrefix("unknown query parameter \"departmnet\"") == true)
        #expect(try await gateway.request(.get, "/v1/deadletters?limt=2").status == 400)
        #expect(try await gateway.request(.get, "/v1/deadletters?department=").status == 400)
        let rest = try await gateway.request(
            .post, "/v1/deadletters/replay?department=citizen-services", body: Data())
        #expect(Set(rest.json["replayed"] as? [String] ?? []) == Set(ids[1...]))
        let nothingLeft = try await gateway.request(
            .post, "/v1/deadletters/replay?department=citizen-services", body: Data())
        #expect(nothingLeft.json["count"] as? Int == 0)
        let typo = try await gateway.request(.post, "/v1/deadletters/replay?department=citizen-service", body: Data())
        #expect(typo.status == 404)
        #expect(typo.errorCode == "unknown_department")
        for id in ids {
            try await eventually("all delivered") {
                try await gateway.request(.get, "/v1/complaints/\(id)").json["state"] as? String == "delivered"
            }
        }
        let events = try #require(
            try await gateway.request(.get, "/v1/complaints/\(ids[0])").json["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["accepted", "dead_lettered", "replayed", "delivered"])
        // Listing and replaying need the admin scope.
        #expect(try await gateway.request(.get, "/v1/deadletters", token: nil).status == 401)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the sample config signs with DOWNSTREAM_SIGNING_SECRET when it is set, as the reference verifies")
    func sampleConfigSignsWhenTheSecretIsSet() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let downstream = try await DownstreamServer.start()
        let signed = try await RunningGateway.start(
            downstream: downstream.baseURL, environment: ["DOWNSTREAM_SIGNING_SECRET": secret])
        _ = try await signed.post(#"{"text":"小区停水三天了"}"#)
        try await eventually("delivered") { downstream.requests.count == 1 }
        try await signed.stop()
        let request = try #require(downstream.requests.first)
        #expect(try await ReferenceVerifier.verify(request, secret: secret) == "ok")

        // Set but empty, the same file signs nothing.
        let unsigned = try await RunningGateway.start(
            downstream: downstream.baseURL, environment: ["DOWNSTREAM_SIGNING_SECRET": ""])
        _ = try await unsigned.post(#"{"text":"小区停水三天了"}"#)
        try await eventually("delivered") { downstream.requests.count == 2 }
        try await unsigned.stop()
        #expect(downstream.requests[1].headers["webhook-signature"] == nil)
        #expect(downstream.requests[1].headers["webhook-id"] == nil)
        await downstream.stop()
    }
}
