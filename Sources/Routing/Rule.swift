import ComplaintCore

/// A rule: conditions that must all hold, and the outcome it applies.
public struct Rule: Sendable, Hashable {
    /// Unique within its table; named in decisions.
    public var id: String
    public var conditions: [RuleCondition]
    public var outcome: RuleOutcome
    /// Where the rule is defined, for messages.
    public var line: Int?

    public init(id: String, conditions: [RuleCondition], outcome: RuleOutcome, line: Int? = nil) {
        self.id = id
        self.conditions = conditions
        self.outcome = outcome
        self.line = line
    }
}

/// What a matching rule decides; an unset field leaves the decision to other tables or the default.
public struct RuleOutcome: Sendable, Hashable {
    public var department: String?
    public var priority: Priority?
    /// Hours from `received_at` to the deadline.
    public var dueInHours: Int?

    public init(department: String? = nil, priority: Priority? = nil, dueInHours: Int? = nil) {
        self.department = department
        self.priority = priority
        self.dueInHours = dueInHours
    }
}

/// An ordered list of rules; within a table the first matching rule wins.
public struct RuleTable: Sendable, Hashable {
    /// The table's name (its file name without extension).
    public var name: String
    public var rules: [Rule]

    public init(name: String, rules: [Rule]) {
        self.name = name
        self.rules = rules
    }
}
