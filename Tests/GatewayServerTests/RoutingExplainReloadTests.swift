import Foundation
import GatewayServer
import GatewayTestSupport
import Synchronization
import Testing

@Suite("Routing over HTTP: explain, and reload refused or accepted under traffic")
struct RoutingExplainReloadTests {
    @Test("explain answers the decision and every rule tried, and stores nothing")
    func explain() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let reply = try await gateway.request(
            .post, "/v1/routing/explain",
            body: Data(#"{"text":"小区停水了","channel":"sms","received_at":"2026-11-30T02:00:00Z"}"#.utf8))
        #expect(reply.status == 200)
        let decision = try #require(reply.json["decision"] as? [String: Any])
        #expect(decision["department"] as? String == "water-supply")
        #expect(decision["rule"] as? String == "water-outage")
        #expect(decision["due_at"] as? String == "2026-12-01T02:00:00Z")
        #expect((decision["tables_version"] as? String)?.hasPrefix("sha256:") == true)
        let trace = try #require(reply.json["trace"] as? [[String: Any]])
        #expect(trace.first?["rule"] as? String == "gas-leak")
        #expect((trace.first?["failed"] as? String)?.hasPrefix("keywords_any: none of 燃气泄漏") == true)
        #expect(trace.contains { $0["rule"] as? String == "water-outage" && $0["matched"] as? Bool == true })

        let listing = try await gateway.request(.get, "/v1/complaints").json
        #expect((listing["items"] as? [Any])?.isEmpty == true)
        #expect(try await gateway.request(.post, "/v1/routing/explain", body: Data("{}".utf8)).status == 422)
        #expect(try await gateway.request(.post, "/v1/routing/explain", body: Data("{".utf8)).status == 400)
        #expect(try await gateway.request(.post, "/v1/routing/explain", token: nil).status == 401)
        try await running.stop()
    }

    @Test("explain routes as intake does: a record's district is located from its address, else from its text")
    func explainLocatesDistrict() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        try await running.addDistrictRule()
        func rule(_ body: String) async throws -> String? {
            let reply = try await gateway.request(.post, "/v1/routing/explain", body: Data(body.utf8))
            return (reply.json["decision"] as? [String: Any])?["rule"] as? String
        }
        #expect(try await rule(#"{"text":"西湖区文三路工地噪音很大"}"#) == "xihu-noise")
        #expect(try await rule(#"{"text":"工地噪音很大","location":{"address":"杭州市西湖区文三路1号"}}"#) == "xihu-noise")
        #expect(try await rule(#"{"text":"工地噪音很大"}"#) != "xihu-noise")
        // What intake stores for the same text is what explain said.
        let id = try #require(try await gateway.post(#"{"text":"西湖区文三路工地噪音很大"}"#).json["id"] as? String)
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        #expect((record["routing"] as? [String: Any])?["rule"] as? String == "xihu-noise")
        #expect((record["location"] as? [String: Any])?["district"] as? String == "西湖区")
        try await running.stop()
    }

    @Test(
        "explaining a stored record sets its stored decision beside today's, and says when the tables now decide otherwise"
    )
    func explainStoredRecord() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let id = try #require(try await gateway.post(#"{"text":"小区停水了"}"#).json["id"] as? String)
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        let body = try JSONSerialization.data(withJSONObject: record)
        let same = try await gateway.request(.post, "/v1/routing/explain", body: body).json
        #expect((same["stored"] as? [String: Any])?["department"] as? String == "water-supply")
        #expect(same["differs_from_stored"] as? Bool == false)
        #expect(same["note"] == nil)

        try running.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "then: { department: water-supply, priority: high, due: 24h }",
                with: "then: { department: urban-management, priority: high, due: 24h }")
        }
        #expect(try await gateway.request(.post, "/v1/routing/reload").status == 200)
        let changed = try await gateway.request(.post, "/v1/routing/explain", body: body).json
        #expect((changed["decision"] as? [String: Any])?["department"] as? String == "urban-management")
        #expect((changed["stored"] as? [String: Any])?["department"] as? String == "water-supply")
        #expect(changed["differs_from_stored"] as? Bool == true)
        #expect(
            (changed["note"] as? String)?.hasPrefix(
                "the record was routed differently (department): the tables in force now (sha256:") == true,
            "\(changed)")
        // A record with no routing of its own (or `{"text": …}`) gets no comparison.
        let plain = try await gateway.request(.post, "/v1/routing/explain", body: Data(#"{"text":"小区停水了"}"#.utf8))
        #expect(plain.json["stored"] == nil && plain.json["differs_from_stored"] == nil)
        try await running.stop()
    }

    @Test("the stored decision keeps the version, the matching rules and the tags they added")
    func storedDecision() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let id = try #require(try await gateway.post(#"{"text":"楼道里闻到煤气泄漏"}"#).json["id"] as? String)
        let detail = try await gateway.request(.get, "/v1/complaints/\(id)").json
        let decision = try #require(detail["routing_decision"] as? [String: Any])
        #expect(decision["tables_version"] as? String == (try await explainVersion(gateway)))
        let trace = try #require(decision["trace"] as? [[String: Any]])
        #expect(trace.map { $0["rule"] as? String } == ["gas-leak", "urgent-safety"])
        #expect(trace.allSatisfy { $0["tags"] as? [String] == ["安全"] })
        let routing = try #require((detail["record"] as? [String: Any])?["routing"] as? [String: Any])
        #expect(routing["priority"] as? String == "urgent")
        try await running.stop()
    }

    @Test("a table that fails validation is refused with its errors; the running tables stay")
    func refused() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let before = try await explainVersion(gateway)
        let tableURL = running.config.url("routing/keywords.yaml")
        let original = try String(contentsOf: tableURL, encoding: .utf8)
        try original.replacingOccurrences(of: "department: water-supply", with: "department: water-works")
            .write(to: tableURL, atomically: true, encoding: .utf8)

        let reply = try await gateway.request(.post, "/v1/routing/reload")
        #expect(reply.status == 422)
        #expect(reply.errorCode == "routing_invalid")
        let issues = try #require((reply.json["error"] as? [String: Any])?["issues"] as? [String])
        #expect(
            issues.contains {
                $0.hasPrefix("routing/keywords.yaml:") && $0.contains("unknown department \"water-works\"")
            })
        #expect(reply.json["tables_version"] as? String == before)
        #expect(try await explainVersion(gateway) == before)
        let routed = try await gateway.post(#"{"text":"停水了"}"#).json["routing"] as? [String: Any]
        #expect(routed?["department"] as? String == "water-supply")
        let metrics = String(decoding: try await gateway.request(.get, "/metrics", token: nil).body, as: UTF8.self)
        #expect(metrics.contains("cg_routing_reloads_total{result=\"refused\"}"))
        try await running.stop()
    }

    @Test("a reload names errors in the parts it does not put in force, which the next start would refuse")
    func errorsOutsideWhatReloads() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let clean = try await gateway.request(.post, "/v1/routing/reload")
        #expect(clean.status == 200)
        let cleanWarnings = try #require(clean.json["warnings"] as? [String])
        #expect(!cleanWarnings.contains { $0.contains("next start") }, "\(cleanWarnings)")

        try running.edit("gateway.yaml") {
            $0.replacingOccurrences(of: "\nlogging:\n", with: "\nlogging:\n  levle: debug\n")
        }
        let reply = try await gateway.request(.post, "/v1/routing/reload")
        #expect(reply.status == 200)
        let warnings = try #require(reply.json["warnings"] as? [String])
        #expect(
            warnings.contains {
                $0.hasPrefix("gateway.yaml:") && $0.contains("logging.levle")
                    && $0.contains("not put in force by a reload, and the next start refuses it")
            }, "\(warnings)")

        // A rule value that names no source of this configuration is warned of by a reload as at a start.
        try running.edit("gateway.yaml") {
            $0.replacingOccurrences(of: "\nlogging:\n  levle: debug\n", with: "\nlogging:\n")
        }
        try running.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "      keywords_any: [停水, 没水, 水压低, 水管爆裂, 自来水]\n",
                with: "      keywords_any: [停水, 没水, 水压低, 水管爆裂, 自来水]\n      adapter: [alibaba]\n")
        }
        let typo = try await gateway.request(.post, "/v1/routing/reload")
        #expect(typo.status == 200)
        let typoWarnings = try #require(typo.json["warnings"] as? [String])
        #expect(
            typoWarnings.filter { $0.contains("adapter \"alibaba\" is no SMS provider") }.count == 1, "\(typoWarnings)")
        #expect(!typoWarnings.contains { $0.contains("next start") }, "\(typoWarnings)")
        try await running.stop()
    }

    @Test("reload under concurrent traffic: every complaint is routed wholly by the old or the new version")
    func acceptedUnderTraffic() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let before = try #require(try await explainVersion(gateway))
        let traffic = Traffic()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    // Keep posting until a few complaints went in after the reload.
                    while traffic.after.withLock({ $0 }) < 20 {
                        // Counted only when sent after the reload answered: one sent just before
                        // may be answered after it, routed (rightly) by the old version.
                        let sentAfterReload = traffic.reloaded.withLock { $0 }
                        let reply = try await gateway.post(#"{"text":"停水三天了"}"#)
                        #expect(reply.status == 201)
                        if let id = reply.json["id"] as? String { traffic.ids.withLock { $0.append(id) } }
                        if sentAfterReload { traffic.after.withLock { $0 += 1 } }
                    }
                }
            }
            try await eventually(timeout: .seconds(30), "traffic flowing") { traffic.ids.withLock { $0.count } >= 20 }
            let tableURL = running.config.url("routing/keywords.yaml")
            try String(contentsOf: tableURL, encoding: .utf8)
                .replacingOccurrences(
                    of: "department: water-supply, priority: high", with: "department: housing, priority: low"
                )
                .write(to: tableURL, atomically: true, encoding: .utf8)
            let reply = try await gateway.request(.post, "/v1/routing/reload")
            #expect(reply.status == 200)
            #expect(reply.json["previous_version"] as? String == before)
            traffic.reloaded.withLock { $0 = true }
            try await group.waitForAll()
        }
        let newVersion = try #require(try await explainVersion(gateway))
        #expect(newVersion != before)
        var seen: [String: Int] = [:]
        for id in traffic.ids.withLock({ $0 }) {
            let detail = try await gateway.request(.get, "/v1/complaints/\(id)").json
            let record = try #require(detail["record"] as? [String: Any])
            let routing = try #require(record["routing"] as? [String: Any])
            let version = try #require((detail["routing_decision"] as? [String: Any])?["tables_version"] as? String)
            let department = routing["department"] as? String
            let priority = routing["priority"] as? String
            // One version decided all of it: department and priority come from the same table.
            if version == before {
                #expect(department == "water-supply" && priority == "high")
            } else {
                #expect(version == newVersion)
                #expect(department == "housing" && priority == "low")
            }
            seen[version, default: 0] += 1
        }
        #expect(seen[before, default: 0] >= 20)
        #expect(seen[newVersion, default: 0] >= 20)
        try await running.stop()
    }

    /// What the posting tasks share.
    final class Traffic: Sendable {
        let ids = Mutex<[String]>([])
        let reloaded = Mutex(false)
        let after = Mutex(0)
    }

    private func explainVersion(_ gateway: RunningGateway) async throws -> String? {
        let reply = try await gateway.request(.post, "/v1/routing/explain", body: Data(#"{"text":"x"}"#.utf8))
        return (reply.json["decision"] as? [String: Any])?["tables_version"] as? String
    }
}
