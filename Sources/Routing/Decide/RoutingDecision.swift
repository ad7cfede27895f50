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
    /// Tags of every matching rule, in table order, each once.
    public var tags: [String]
    /// The rules tried, in order: every one with `withTrace`, else the ones that matched.
    public var trace: [RuleTrial] {
        get {
            switch trail {
            case .recorded(let trials): trials
            case .matched(let rules): rules.trials
            }
        }
        set { trail = .recorded(newValue) }
    }
    private var trail: Trail

    /// The trace as given, or the matched rules of a decision without trace until it is read.
    private enum Trail: Sendable {
        case recorded([RuleTrial])
        case matched(MatchedRules)
    }

    public init(
        department: String, priority: Priority, dueAt: Date?, rule: String, table: String, tablesVersion: String,
        tags: [String] = [], trace: [RuleTrial] = []
    ) {
        self.init(
            department: department, priority: priority, dueAt: dueAt, rule: rule, table: table,
            tablesVersion: tablesVersion, tags: tags, trace: trace, matched: nil)
    }

    /// A decision whose trace is `matched` (materialized when read) or else `trace`.
    init(
        department: String, priority: Priority, dueAt: Date?, rule: String, table: String, tablesVersion: String,
        tags: [String], trace: [RuleTrial], matched: MatchedRules?
    ) {
        // Every field set here (the public init delegates to this one): the router's path
        // through a delegating init made the compiler build each decision twice and copy it.
        self.department = department
        self.priority = priority
        self.dueAt = dueAt
        self.rule = rule
        self.table = table
        self.tablesVersion = tablesVersion
        self.tags = tags
        trail = matched.map { .matched($0) } ?? .recorded(trace)
    }

    public static func == (left: Self, right: Self) -> Bool {
        left.department == right.department && left.priority == right.priority && left.dueAt == right.dueAt
            && left.rule == right.rule && left.table == right.table && left.tablesVersion == right.tablesVersion
            && left.tags == right.tags && left.trace == right.trace
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(department)
        hasher.combine(rule)
        hasher.combine(table)
        hasher.combine(tablesVersion)
        hasher.combine(trace)
    }

    /// The decision as the record carries it.
    public var routingInfo: Complaint.RoutingInfo {
        Complaint.RoutingInfo(department: department, priority: priority, dueAt: dueAt, rule: rule, table: table)
    }
}

extension RoutingDecision {
    /// The trace as a JSON array of `{table, rule, matched, failed?, tags?}`, as stored and explained.
    public var traceJSON: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writeTrace(&writer)
        return writer.bytes
    }

    /// `{"decision": {…, "tables_version", "tags"}, "trace": […]}`: what explain answers.
    public var explanationJSON: [UInt8] { explanationJSON(stored: nil) }

    /// The explanation of a stored record: with `stored`, the record's own routing, the answer
    /// also carries it and whether the tables in force now decide otherwise. A supervisor asking
    /// why a complaint came to them must not take today's answer for the one that sent it.
    public func explanationJSON(stored: Complaint.RoutingInfo?) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + 64 * trace.count)
        writer.beginObject()
        if let stored {
            writer.key("stored")
            writer.beginObject()
            writer.field("department", stored.department)
            writer.field("priority", stored.priority.rawValue)
            writer.field("due_at", stored.dueAt.map(RFC3339.format))
            writer.field("rule", stored.rule)
            writer.field("table", stored.table)
            writer.endObject()
            let differences = differences(from: stored)
            writer.field("differs_from_stored", !differences.isEmpty)
            if !differences.isEmpty { writer.field("note", storedNote(differences)) }
        }
        writer.key("decision")
        writer.beginObject()
        writer.field("department", department)
        writer.field("priority", priority.rawValue)
        writer.field("due_at", dueAt.map(RFC3339.format))
        writer.field("rule", rule)
        writer.field("table", table)
        writer.field("tables_version", tablesVersion)
        writer.key("tags")
        writer.beginArray()
        for tag in tags { writer.value(tag) }
        writer.endArray()
        writer.endObject()
        writer.key("trace")
        writeTrace(&writer)
        writer.endObject()
        return writer.bytes
    }

    /// The outcome fields in which this decision differs from the stored one.
    public func differences(from stored: Complaint.RoutingInfo) -> [String] {
        var fields: [String] = []
        if stored.department != department { fields.append("department") }
        if stored.rule != rule || stored.table != table { fields.append("rule") }
        if stored.priority != priority { fields.append("priority") }
        if stored.dueAt.map({ Int($0.timeIntervalSince1970) }) != dueAt.map({ Int($0.timeIntervalSince1970) }) {
            fields.append("due_at")
        }
        return fields
    }

    /// Says that the stored decision and today's differ, and why that can be.
    public func storedNote(_ differences: [String]) -> String {
        "the record was routed differently (\(differences.joined(separator: ", "))): the tables in force now "
            + "(\(tablesVersion)) decide otherwise than those it was routed with; the complaint stays with "
            + "its stored decision, and GET /v1/complaints/{id} shows the tables_version it was routed under"
    }

    private func writeTrace(_ writer: inout JSONWriter) {
        writer.beginArray()
        switch trail {
        case .recorded(let trials):
            for trial in trials {
                Self.writeTrial(
                    &writer, table: trial.table, rule: trial.rule, matched: trial.matched, failed: trial.failed,
                    tags: trial.tags, matchedOn: trial.matchedOn, decides: trial.decides)
            }
        case .matched(let rules):
            // Straight from the compiled rules: storing a decision builds no trial values.
            rules.forEachRule { rule in
                Self.writeTrial(
                    &writer, table: rule.tableName, rule: rule.rule.id, matched: true, failed: nil,
                    tags: rule.rule.outcome.tags)
            }
        }
        writer.endArray()
    }

    private static func writeTrial(
        _ writer: inout JSONWriter, table: String, rule: String, matched: Bool, failed: String?, tags: [String],
        matchedOn: [String]? = nil, decides: [String]? = nil
    ) {
        writer.beginObject()
        writer.field("table", table)
        writer.field("rule", rule)
        writer.field("matched", matched)
        if let failed { writer.field("failed", failed) }
        if !tags.isEmpty {
            writer.key("tags")
            writer.beginArray()
            for tag in tags { writer.value(tag) }
            writer.endArray()
        }
        for (key, values) in [("matched_on", matchedOn), ("decides", decides)] {
            guard let values, !values.isEmpty else { continue }
            writer.key(escaping: key)
            writer.beginArray()
            for value in values { writer.value(value) }
            writer.endArray()
        }
        writer.endObject()
    }
}
