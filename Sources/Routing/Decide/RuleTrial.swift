/// One rule tried during a decision.
public struct RuleTrial: Sendable, Hashable, Codable {
    public var table: String
    public var rule: String
    public var matched: Bool
    /// Why it did not match (the first failing condition).
    public var failed: String?
    /// The tags a matching rule added, so the stored trace keeps them with the decision.
    public var tags: [String]

    public init(table: String, rule: String, matched: Bool, failed: String?, tags: [String] = []) {
        self.table = table
        self.rule = rule
        self.matched = matched
        self.failed = failed
        self.tags = tags
    }
}
