import ComplaintCore
import Foundation

/// The router's answer for one complaint, with the trail that led to it.
public struct RoutingDecision: Sendable, Hashable {
    public var department: String
    public var priority: Priority
    public var dueAt: Date?
    /// The rule that chose the department (`default` when none did).
    public var rule: String
    /// The table of that rule (`default` when none did).
    public var table: String
    /// Content hash of the rule tables that decided (`sha256:…`).
    public var tablesVersion: String
    /// Every rule tried, in order.
    public var trace: [RuleTrial]

    /// The decision as the record carries it.
    public var routingInfo: Complaint.RoutingInfo {
        Complaint.RoutingInfo(department: department, priority: priority, dueAt: dueAt, rule: rule, table: table)
    }
}

extension RoutingDecision {
    /// The trace as a JSON array of `{table, rule, matched, failed?}`, as stored and explained.
    public var traceJSON: [UInt8] {
        var writer = JSONWriter(capacity: 64 * max(1, trace.count))
        writer.beginArray()
        for trial in trace {
            writer.beginObject()
            writer.field("table", trial.table)
            writer.field("rule", trial.rule)
            writer.field("matched", trial.matched)
            if let failed = trial.failed { writer.field("failed", failed) }
            writer.endObject()
        }
        writer.endArray()
        return writer.bytes
    }
}

/// One rule tried during a decision.
public struct RuleTrial: Sendable, Hashable, Codable {
    public var table: String
    public var rule: String
    public var matched: Bool
    /// Why it did not match (the first failing condition).
    public var failed: String?

    public init(table: String, rule: String, matched: Bool, failed: String?) {
        self.table = table
        self.rule = rule
        self.matched = matched
        self.failed = failed
    }
}
