import ComplaintCore
import Foundation

/// Decides department, priority, deadline and tags for a complaint from the rule tables.
///
/// Tables run in order; in each, the first matching rule applies its outcome, and a later
/// table's outcome refines (overrides) what an earlier one set; tags accumulate. What no rule
/// set comes from the default, so every complaint is routed. Immutable: a reload builds a new
/// router, so one complaint is always routed entirely by one version of the tables.
public struct RuleRouter: Sendable {
    public let configuration: RoutingConfiguration
    private let compiled: CompiledTables

    /// Compiles `configuration` (one keyword automaton over every rule).
    public init(configuration: RoutingConfiguration) {
        self.configuration = configuration
        compiled = CompiledTables(configuration.tables)
    }

    /// Routes `complaint`; `withTrace` records every rule tried (for explain), otherwise only the
    /// rules that matched.
    public func decide(_ complaint: Complaint, withTrace: Bool = false) -> RoutingDecision {
        var outcome = Accumulated()
        withUnsafePointer(to: complaint) { record in
            withUnsafePointer(to: configuration.calendar) { calendar in
                var subject = RoutingSubject(record, calendar: calendar, compiled: compiled)
                if withTrace {
                    decideWithTrace(&subject, into: &outcome)
                } else {
                    decideFast(&subject, into: &outcome)
                }
            }
        }
        let fallback = configuration.defaultOutcome
        let due = outcome.due ?? fallback.due
        return RoutingDecision(
            department: outcome.department?.value ?? fallback.department,
            priority: outcome.priority ?? fallback.priority,
            dueAt: due.map { configuration.calendar.deadline($0, from: complaint.receivedAt) },
            rule: outcome.department?.rule ?? "default",
            table: outcome.department?.table ?? "default",
            tablesVersion: configuration.version,
            tags: outcome.tags,
            trace: outcome.trace)
    }

    /// Evaluates only the rules whose required keywords were found, plus those that need none,
    /// in table order; the first that holds in each table applies.
    private func decideFast(_ subject: inout RoutingSubject, into outcome: inout Accumulated) {
        var candidates = compiled.unindexed
        let hits = subject.hits.ids
        if !hits.isEmpty {
            for id in hits { candidates.append(contentsOf: compiled.postings[Int(id)]) }
            candidates.sort()
        }
        var decidedTable = -1
        var previous: Int32 = -1
        for index in candidates where index != previous {
            previous = index
            let rule = compiled.rules[Int(index)]
            guard rule.table != decidedTable else { continue }
            if rule.conditions.allSatisfy({ $0.holds(on: &subject) }) {
                outcome.trace.append(
                    RuleTrial(
                        table: rule.tableName, rule: rule.rule.id, matched: true, failed: nil,
                        tags: rule.rule.outcome.tags))
                outcome.apply(rule, tableName: rule.tableName)
                decidedTable = rule.table
            }
        }
    }

    /// Evaluates every rule in order until each table's first match, recording why each failed.
    private func decideWithTrace(_ subject: inout RoutingSubject, into outcome: inout Accumulated) {
        var decidedTable = -1
        for rule in compiled.rules where rule.table != decidedTable {
            let tableName = rule.tableName
            if let failing = rule.conditions.indices.first(where: { !rule.conditions[$0].holds(on: &subject) }) {
                let reason = rule.rule.conditions[failing].failure(on: &subject)
                outcome.trace.append(RuleTrial(table: tableName, rule: rule.rule.id, matched: false, failed: reason))
                continue
            }
            outcome.trace.append(
                RuleTrial(
                    table: tableName, rule: rule.rule.id, matched: true, failed: nil, tags: rule.rule.outcome.tags))
            outcome.apply(rule, tableName: tableName)
            decidedTable = rule.table
        }
    }

    /// What the matching rules have set so far.
    private struct Accumulated {
        var department: (value: String, rule: String, table: String)?
        var priority: Priority?
        var due: Due?
        var tags: [String] = []
        var trace: [RuleTrial] = []

        mutating func apply(_ rule: CompiledRule, tableName: String) {
            let decided = rule.rule.outcome
            if let value = decided.department { department = (value, rule.rule.id, tableName) }
            if let value = decided.priority { priority = value }
            if let value = decided.due { due = value }
            for tag in decided.tags where !tags.contains(tag) { tags.append(tag) }
        }
    }
}
