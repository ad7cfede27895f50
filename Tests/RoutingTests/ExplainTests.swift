import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Explain: the decision and every rule tried")
struct ExplainTests {
    static let table = """
        rules:
          - id: water-outage
            when: { keywords_any: [停水, 没水] }
            then: { department: water-supply, due: 24h }
          - id: noise-night
            when: { keywords_any: [噪音], time_of_day: "22:00-06:00" }
            then: { department: urban-management, priority: high, tags: [夜间] }
          - id: noise
            when: { keywords_any: [噪音] }
            then: { department: urban-management }
        """

    @Test("the JSON names the decision, the version, and the failing condition of each rule tried")
    func explanationJSON() throws {
        let routed = try router(table: Self.table)
        // 09:00Z is 17:00 in Shanghai: not night.
        let decision = routed.decide(complaint("楼下噪音"), withTrace: true)
        let json = String(decoding: decision.explanationJSON, as: UTF8.self)
        let version = routed.configuration.version
        #expect(
            json
                == #"{"decision":{"department":"urban-management","priority":"normal","due_at":null,"rule":"noise","#
                + #""table":"t","tables_version":"\#(version)","tags":[]},"trace":["#
                + #"{"table":"t","rule":"water-outage","matched":false,"failed":"keywords_any: none of 停水|没水 in text"},"#
                + #"{"table":"t","rule":"noise-night","matched":false,"failed":"time_of_day: 17:00 not in 22:00-06:00"},"#
                + #"{"table":"t","rule":"noise","matched":true,"matched_on":["keywords_any: 噪音 in text"],"#
                + #""decides":["department"]}]}"#)
    }

    @Test("explain shows keywords as their author wrote them, while matching ignores case and width")
    func authoredKeywords() throws {
        let routed = try router(
            table: """
                rules:
                  - id: wifi
                    when: { keywords_any: [WiFi, ＡＴＭ] }
                    then: { department: urban-management }
                """)
        let matched = routed.decide(complaint("小区WIFI断了"), withTrace: true)
        #expect(matched.rule == "wifi")
        #expect(matched.trace.first?.matchedOn == ["keywords_any: WiFi in text"])
        let missed = routed.decide(complaint("路灯不亮"), withTrace: true)
        #expect(missed.trace.first?.failed == "keywords_any: none of WiFi|ＡＴＭ in text")
    }

    @Test("without trace, only the matching rules are kept (what is stored)")
    func storedTrace() throws {
        let decision = try router(table: Self.table).decide(complaint("夜里噪音", received: "2026-11-29T15:00:00Z"))
        #expect(
            decision.trace == [RuleTrial(table: "t", rule: "noise-night", matched: true, failed: nil, tags: ["夜间"])])
        #expect(
            String(decoding: decision.traceJSON, as: UTF8.self)
                == #"[{"table":"t","rule":"noise-night","matched":true,"tags":["夜间"]}]"#)
        #expect(decision.tags == ["夜间"])
        #expect(decision.priority == .high)
    }
}
