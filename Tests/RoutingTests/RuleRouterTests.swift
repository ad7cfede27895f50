import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Rule router decisions")
struct RuleRouterTests {
    static let section = """
        routing:
          tables: [keywords, districts]
          default: { department: citizen-services, priority: low, due_in_hours: 120 }
        """
    static let keywords = """
        rules:
          - id: water
            when: { keywords_any: [停水, 没水] }
            then: { department: water-supply, priority: high, due_in_hours: 24 }
          - id: noise-sms
            when: { channel: sms, keywords_any: [噪音] }
            then: { department: urban-management }
          - id: report-abc
            when: { category: [举报], keywords_any: [ABC123] }
            then: { department: urban-management, priority: urgent }
        """
    static let districts = """
        rules:
          - id: night-priority
            when: { keywords_any: [深夜] }
            then: { priority: high }
        """

    func router() throws -> RuleRouter {
        let fixture = try RoutingFixture(tables: ["keywords": Self.keywords, "districts": Self.districts])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(section: Self.section)
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        return RuleRouter(configuration: try #require(configuration))
    }

    @Test("first matching rule decides; the decision names rule, table and a deadline from received_at")
    func firstMatch() throws {
        let decision = try router().decide(complaint("小区停水了，噪音也很大", channel: .sms))
        #expect(decision.department == "water-supply")
        #expect(decision.rule == "water")
        #expect(decision.table == "keywords")
        #expect(decision.priority == .high)
        #expect(decision.dueAt == RFC3339.parse("2026-11-30T09:00:00Z"))
        #expect(decision.tablesVersion.hasPrefix("sha256:"))
    }

    @Test("channel condition: the same text routes differently by channel")
    func channelCondition() throws {
        #expect(try router().decide(complaint("噪音", channel: .sms)).department == "urban-management")
        #expect(try router().decide(complaint("噪音", channel: .email)).department == "citizen-services")
    }

    @Test("keywords match case- and width-insensitively; category must match exactly")
    func widthAndCase() throws {
        let router = try router()
        #expect(router.decide(complaint("发现ａｂｃ１２３违法", category: "举报")).rule == "report-abc")
        #expect(router.decide(complaint("发现abc123违法", category: "投诉")).rule == "default")
    }

    @Test("a later table refines an earlier decision; unrouted complaints take the default")
    func refineAndDefault() throws {
        let router = try router()
        let refined = router.decide(complaint("深夜停水"))
        #expect(refined.department == "water-supply")
        #expect(refined.priority == .high)
        let fallback = router.decide(complaint("深夜有人唱歌"))
        #expect(fallback.department == "citizen-services")
        #expect(fallback.rule == "default")
        #expect(fallback.priority == .high)
        #expect(fallback.dueAt == RFC3339.parse("2026-12-04T09:00:00Z"))
    }

    @Test("a later table's priority and deadline only make the outcome stricter, never laxer")
    func laterTablesOnlyTighten() throws {
        let deadlines = """
            rules:
              - id: complaint-5-days
                when: { keywords_any: [停水, 深夜] }
                then: { priority: low, due: 120h }
            """
        let fixture = try RoutingFixture(tables: ["keywords": Self.keywords, "districts": deadlines])
        defer { fixture.remove() }
        let router = RuleRouter(configuration: try #require(fixture.load(section: Self.section).0))
        // The keyword table said high and 24 hours: the later table's low and 120 hours lose.
        let water = router.decide(complaint("小区停水了"))
        #expect(water.rule == "water")
        #expect(water.priority == .high)
        #expect(water.dueAt == RFC3339.parse("2026-11-30T09:00:00Z"))
        // Where the earlier tables set nothing, the later table's outcome is the outcome.
        let night = router.decide(complaint("深夜有人唱歌"))
        #expect(night.priority == .low)
        #expect(night.dueAt == RFC3339.parse("2026-12-04T09:00:00Z"))
        // A later table that is stricter wins (the sample config's night rule: high, sooner).
        let stricter = try self.router().decide(complaint("深夜噪音", channel: .sms))
        #expect(stricter.rule == "noise-sms")
        #expect(stricter.priority == .high)
    }

    @Test("the trace explains every rule tried and the condition that failed")
    func trace() throws {
        let decision = try router().decide(complaint("噪音", channel: .email), withTrace: true)
        #expect(
            decision.trace.first
                == RuleTrial(
                    table: "keywords", rule: "water", matched: false,
                    failed: "keywords_any: none of 停水|没水 in text"))
        #expect(decision.trace.contains { $0.rule == "noise-sms" && $0.failed?.hasPrefix("channel:") == true })
    }

    @Test("without trace, the decision's trace lists the matching rule of each table, as explain lists them")
    func matchedTrace() throws {
        let router = try router()
        let record = complaint("深夜停水")
        let decision = router.decide(record)
        #expect(decision.trace.map(\.rule) == ["water", "night-priority"])
        #expect(decision.trace.allSatisfy { $0.matched })
        let explained = router.decide(record, withTrace: true).trace.filter(\.matched)
        #expect(decision.trace.map(\.rule) == explained.map(\.rule))
        #expect(decision.trace.map(\.tags) == explained.map(\.tags))
        // Explain adds what each matching rule found and which outcome fields the decision took from it.
        #expect(explained.map(\.matchedOn) == [["keywords_any: 停水 in text"], ["keywords_any: 深夜 in text"]])
        #expect(explained.map(\.decides) == [["department", "priority", "due_at"], []])
        #expect(decision == router.decide(record))
        #expect(router.decide(complaint("无关内容")).trace.isEmpty)
        // A decision changed by hand keeps the trace it was given.
        var edited = decision
        edited.trace = []
        #expect(edited.trace.isEmpty && edited != decision)
    }

    @Test("the stored trace JSON of a decision without trace names each matched rule with its tags")
    func matchedTraceJSON() throws {
        let table = """
            rules:
              - id: water
                when: { keywords_any: [停水] }
                then: { department: water-supply, tags: [utility, "夜间"] }
            """
        let fixture = try RoutingFixture(tables: ["t": table])
        defer { fixture.remove() }
        let (configuration, _) = fixture.load(
            section: "routing:\n  tables: [t]\n  default: { department: citizen-services }\n")
        let decision = RuleRouter(configuration: try #require(configuration)).decide(complaint("停水了"))
        let json = String(decoding: decision.traceJSON, as: UTF8.self)
        #expect(json == #"[{"table":"t","rule":"water","matched":true,"tags":["utility","夜间"]}]"#)
        var materialized = decision
        materialized.trace = decision.trace
        #expect(materialized.traceJSON == decision.traceJSON)
    }

    @Test("the subject is searched too")
    func subjectSearched() throws {
        #expect(try router().decide(complaint("请尽快处理", subject: "三天没水")).department == "water-supply")
    }
}
