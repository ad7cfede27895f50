import ComplaintCore

/// Validated routing configuration: the tables in evaluation order and the catch-all default.
public struct RoutingConfiguration: Sendable, Hashable {
    /// Tables in the order `gateway.yaml` lists them.
    public var tables: [RuleTable]
    /// Applied to whatever no rule decided; its department catches everything unrouted.
    public var defaultOutcome: DefaultOutcome
    /// `sha256:` + hash of the table sources and the default, recorded with every decision.
    public var version: String

    public init(tables: [RuleTable], defaultOutcome: DefaultOutcome, version: String) {
        self.tables = tables
        self.defaultOutcome = defaultOutcome
        self.version = version
    }

    /// The catch-all (`routing.default` in gateway.yaml).
    public struct DefaultOutcome: Sendable, Hashable {
        public var department: String
        public var priority: Priority
        public var dueInHours: Int?

        public init(department: String, priority: Priority = .normal, dueInHours: Int? = nil) {
            self.department = department
            self.priority = priority
            self.dueInHours = dueInHours
        }
    }
}
