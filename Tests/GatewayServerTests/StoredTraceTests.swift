import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("A stored complaint's routing trace")
struct StoredTraceTests {
    @Test("every rule tried while the deciding tables are in force; the matched rules as stored after they change")
    func everyRuleTried() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let posted = try await gateway.post(#"{"text":"晚上11点还在施工,噪音很大"}"#)
        let id = try #require(posted.json["id"] as? String)
        let shown = try await gateway.request(.get, "/v1/complaints/\(id)")
        let decision = try #require(shown.json["routing_decision"] as? [String: Any])
        #expect(decision["trace_complete"] as? Bool == true)
        let trace = try #require(decision["trace"] as? [[String: Any]])
        // The rules above the one that decided, each with why it failed, as explain gives them.
        let gas = try #require(trace.first { $0["rule"] as? String == "gas-leak" })
        #expect(gas["matched"] as? Bool == false)
        #expect((gas["failed"] as? String)?.hasPrefix("keywords_any: none of 燃气泄漏") == true)
        #expect(trace.contains { $0["rule"] as? String == "noise-night" && $0["matched"] as? Bool == true })
        let explained = try await gateway.request(
            .post, "/v1/routing/explain", body: Data(#"{"text":"晚上11点还在施工,噪音很大"}"#.utf8))
        #expect((explained.json["trace"] as? [[String: Any]])?.count == trace.count)

        // The tables change: the trace is the stored one, the rules that matched, and says so.
        try running.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(of: "keywords_any: [噪音, 施工, 扰民, 广场舞, noise]", with: "keywords_any: [噪声]")
        }
        #expect(try await gateway.request(.post, "/v1/routing/reload").status == 200)
        let after = try await gateway.request(.get, "/v1/complaints/\(id)")
        let stored = try #require(after.json["routing_decision"] as? [String: Any])
        #expect(stored["trace_complete"] as? Bool == false)
        let kept = try #require(stored["trace"] as? [[String: Any]])
        #expect(kept.allSatisfy { $0["matched"] as? Bool == true })
        #expect(kept.contains { $0["rule"] as? String == "noise-night" })
        try await running.stop()
    }
}
