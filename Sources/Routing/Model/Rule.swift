import ComplaintCore

/// A rule: conditions that must all hold, and the outcome it applies.
public struct Rule: Sendable, Hashable {
    /// Unique within its table; named in decisions.
    public var id: String
    public var conditions: [RuleCondition]
    public var outcome: RuleOutcome
    /// Where the rule is defined (YAML line of the rule, CSV line of the row), for messages.
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
    /// When the complaint is due, counted from `received_at`.
    public var due: Due?
    /// Labels added to the decision; tags from every matching table accumulate.
    public var tags: [String]

    public init(department: String? = nil, priority: Priority? = nil, due: Due? = nil, tags: [String] = []) {
        self.department = department
        self.priority = priority
        self.due = due
        self.tags = tags
    }

    /// Whether the outcome sets nothing at all.
    public var isEmpty: Bool { department == nil && priority == nil && due == nil && tags.isEmpty }
}

/// An ordered list of rules; within a table the first matching rule wins.
public struct RuleTable: Sendable, Hashable {
    /// The table's name (its file name without extension).
    public var name: String
    /// The file as messages name it (`routing/keywords.csv`).
    public var file: String
    public var rules: [Rule]

    public init(name: String, file: String? = nil, rules: [Rule]) {
        self.name = name
        self.file = file ?? "routing/\(name).yaml"
        self.rules = rules
    }
}
