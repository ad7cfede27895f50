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
}
