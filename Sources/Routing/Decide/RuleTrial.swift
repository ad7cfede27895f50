/// One rule tried during a decision.
public struct RuleTrial: Sendable, Hashable, Codable {
    public var table: String
    public var rule: String
    public var matched: Bool
    /// Why it did not match (the first failing condition).
    public var failed: String?
    /// The tags a matching rule added, so the stored trace keeps them with the decision.
    public var tags: [String]
    /// Explain only, for a matching rule: what in the complaint its text conditions found
    /// (`keywords_any: 停水`), so a supervisor sees which word sent the complaint.
    public var matchedOn: [String]?
    /// Explain only, for a matching rule: the outcome fields the decision took from it
    /// (`department`, `priority`, `due_at`); a later table's rule may have replaced the others.
    public var decides: [String]?

    public init(
        table: String, rule: String, matched: Bool, failed: String?, tags: [String] = [], matchedOn: [String]? = nil,
        decides: [String]? = nil
    ) {
        self.table = table
        self.rule = rule
        self.matched = matched
        self.failed = failed
        self.tags = tags
        self.matchedOn = matchedOn
        self.decides = decides
    }
}
