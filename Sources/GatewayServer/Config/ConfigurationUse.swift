import ComplaintCore

/// What a command reads of the configuration. Problems in the parts it never reads are not
/// reported, so a staff member importing a call log needs neither the API tokens nor the SMS
/// providers' secrets that the serving gateway's environment holds.
public struct ConfigurationUse: Sendable {
    /// gateway.yaml sections the command does not read (`email.mailboxes` names a subsection).
    public var unusedSections: [String]
    /// Whether departments' endpoint settings (URL, auth, signing secret, TLS) are read: only by
    /// a gateway that delivers.
    public var readsEndpoints: Bool

    public init(unusedSections: [String], readsEndpoints: Bool) {
        self.unusedSections = unusedSections
        self.readsEndpoints = readsEndpoints
    }

    /// `serve` and `config check`: everything.
    public static let serving = ConfigurationUse(unusedSections: [], readsEndpoints: true)

    /// `import`: files routed and committed; the serving gateway delivers the outbox rows.
    public static let hotlineImport = ConfigurationUse(
        unusedSections: ["server", "auth", "sms", "email"], readsEndpoints: false)

    /// `email import`: messages read as the email channel reads them, but from files, not mailboxes.
    public static let emailImport = ConfigurationUse(
        unusedSections: ["server", "auth", "sms", "email.mailboxes"], readsEndpoints: false)

    /// Whether `issue` concerns something this command reads.
    func concerns(_ issue: ConfigIssue) -> Bool {
        switch issue.file {
        case "gateway.yaml":
            return !unusedSections.contains { section in
                issue.field == section || issue.field.hasPrefix(section + ".") || issue.field.hasPrefix(section + "[")
            }
        case "departments.yaml":
            return readsEndpoints || !Self.isEndpointField(issue.field)
        default:
            return true
        }
    }

    /// `departments[3].endpoint` or anything under it.
    private static func isEndpointField(_ field: String) -> Bool {
        guard field.hasPrefix("departments["), let close = field.firstIndex(of: "]") else { return false }
        let rest = field[field.index(after: close)...]
        return rest == ".endpoint" || rest.hasPrefix(".endpoint.") || rest.hasPrefix(".endpoint[")
    }
}
