import ComplaintCore
import Foundation

/// Decides department, priority and deadline for a complaint from the rule tables.
///
/// Tables run in order; in each, the first matching rule applies its outcome, and a later
/// table's outcome refines (overrides) what an earlier one set. What no rule set comes from
/// the default, so every complaint is routed. Pure and immutable: a reload builds a new router,
/// so one complaint is always routed entirely by one version of the tables.
public struct RuleRouter: Sendable {
    public let configuration: RoutingConfiguration

    public init(configuration: RoutingConfiguration) {
        self.configuration = configuration
    }

    /// Routes `complaint`; `withTrace` records every rule tried (for explain), otherwise only matches.
    public func decide(_ complaint: Complaint, withTrace: Bool = false) -> RoutingDecision {
        let subject = RoutingSubject(complaint)
        var department: (value: String, rule: String, table: String)?
        var priority: Priority?
        var dueInHours: Int?
        var trace: [RuleTrial] = []

        for table in configuration.tables {
            for rule in table.rules {
                if withTrace {
                    if let failure = rule.conditions.lazy.compactMap({ $0.failure(on: subject) }).first {
                        trace.append(RuleTrial(table: table.name, rule: rule.id, matched: false, failed: failure))
                        continue
                    }
                } else if !rule.conditions.allSatisfy({ $0.holds(on: subject) }) {
                    continue
                }
                trace.append(RuleTrial(table: table.name, rule: rule.id, matched: true, failed: nil))
                if let value = rule.outcome.department { department = (value, rule.id, table.name) }
                if let value = rule.outcome.priority { priority = value }
                if let value = rule.outcome.dueInHours { dueInHours = value }
                break
            }
        }

        let fallback = configuration.defaultOutcome
        let hours = dueInHours ?? fallback.dueInHours
        return RoutingDecision(
            department: department?.value ?? fallback.department,
            priority: priority ?? fallback.priority,
            dueAt: hours.map { complaint.receivedAt.addingTimeInterval(TimeInterval($0) * 3600) },
            rule: department?.rule ?? "default",
            table: department?.table ?? "default",
            tablesVersion: configuration.version,
            trace: trace
        )
    }
}
