import Foundation
import Routing
import Testing

@Suite("A rule's regex runs within a time budget")
struct RegexTimeBudgetTests {
    @Test("a pattern that backtracks catastrophically stops at its budget and does not match")
    func catastrophicBacktrackingStops() throws {
        let pattern = try RulePattern("(a+)+$")
        let before = RulePattern.timeouts
        let started = Date()
        // Unbounded, 40 "a"s then "!" would take hours: each extra "a" doubles the work.
        #expect(!pattern.matches(String(repeating: "a", count: 40) + "!"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(RulePattern.timeouts > before)
        // The same pattern still matches where it should, at once.
        #expect(pattern.matches("aaaa"))
        #expect(try RulePattern("工单号[0-9]{6}").matches("投诉，工单号123456，请处理"))
        #expect(!(try RulePattern("工单号[0-9]{6}").matches("投诉，请处理")))
    }

    @Test("explain says a regex timed out, not that it does not match; a plain miss still reads as before")
    func explainNamesTheTimeout() throws {
        let routed = try router(
            table: #"""
                rules:
                  - id: evil
                    when: { regex: "(a+)+$" }
                    then: { tags: [evil] }
                  - id: order
                    when: { regex: "工单号[0-9]{6}" }
                    then: { department: urban-management }
                """#)
        let text = String(repeating: "a", count: 40) + "!"
        #expect(try RulePattern("(a+)+$").match(text) == .timedOut)
        let trace = routed.decide(complaint(text), withTrace: true).trace
        #expect(
            trace.map(\.failed) == [
                "regex: /(a+)+$/ timed out after 100 ms (counted as no match)",
                "regex: /工单号[0-9]{6}/ does not match subject or text",
            ])
        #expect(routed.decide(complaint(text)).rule == "default")
    }
}
