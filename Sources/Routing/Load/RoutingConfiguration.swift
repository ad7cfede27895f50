import ComplaintCore

/// Validated routing configuration: the tables in evaluation order, the catch-all default and the calendar.
public struct RoutingConfiguration: Sendable, Hashable {
    /// Tables in the order `gateway.yaml` lists them.
    public var tables: [RuleTable]
    /// Applied to whatever no rule decided; its department catches everything unrouted.
    public var defaultOutcome: DefaultOutcome
    /// Time zone, weekend, holidays and make-up working days (`calendar.yaml`).
    public var calendar: WorkCalendar
    /// `sha256:` + hash of the table sources, the calendar and the default, recorded with every decision.
    public var version: String
    /// `routing.districts`: the districts an address may name. A complaint that comes with an
    /// address and no district (a mail's or a text's labelled address, an API record without
    /// one) gets the one its address names first, before it is routed.
    public var districts: [String]

    public init(
        tables: [RuleTable], defaultOutcome: DefaultOutcome, calendar: WorkCalendar = WorkCalendar(), version: String,
        districts: [String] = []
    ) {
        self.districts = districts
        self.tables = tables
        self.defaultOutcome = defaultOutcome
        self.calendar = calendar
        self.version = version
    }

    /// The catch-all (`routing.default` in gateway.yaml).
    public struct DefaultOutcome: Sendable, Hashable {
        public var department: String
        public var priority: Priority
        public var due: Due?

        public init(department: String, priority: Priority = .normal, due: Due? = nil) {
            self.department = department
            self.priority = priority
            self.due = due
        }
    }
}
