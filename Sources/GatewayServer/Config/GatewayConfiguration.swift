import ComplaintCore
import ComplaintDispatch
import EmailAdapter
import Foundation
import HotlineCSVAdapter
import Routing
import SMSAdapter

/// The whole validated configuration: gateway.yaml, departments.yaml and the rule tables.
public struct GatewayConfiguration: Sendable {
    public var directory: URL
    public var server: ServerSettings
    public var storage: StorageSettings
    public var auth: AuthSettings
    public var dispatch: OutboxDispatcher.Settings
    public var departments: [Department]
    public var routing: RoutingConfiguration
    /// `sms:`: the public base URL and the enabled SMS providers.
    public var sms: SMSConfiguration
    public var email: EmailSettings
    /// `logging.level` (default `info`).
    public var logLevel: String
    /// `logging.format` (default `text`): swift-log's text lines, or one JSON object per line.
    public var logFormat: LogFormat = .text
    /// Problems that do not stop the gateway.
    public var warnings: [ConfigIssue]
    /// Hotline CSV column profiles from `hotline/*.yaml`, by name (the file name).
    public var hotlineProfiles: [String: HotlineProfile] = [:]
    /// The variables `${…}` in the files were taken from: a reload reads the files with the same.
    public var environment: [String: String] = [:]

    /// Loads and validates everything under `directory`; throws every error found, each with file, line and field.
    /// - Parameter use: what the caller reads; problems elsewhere (an unset secret of a section it
    ///   never reads) are neither thrown nor listed among the warnings.
    public static func load(
        directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
        use: ConfigurationUse = .serving
    ) throws -> GatewayConfiguration {
        let diagnostics = ConfigDiagnostics()
        let gateway = ConfigNode.load(
            url: directory.appendingPathComponent("gateway.yaml"), displayName: "gateway.yaml",
            diagnostics: diagnostics, environment: environment)
        gateway.expectMapping(allowedKeys: [
            "server", "storage", "auth", "routing", "dispatch", "logging", "sms", "email",
        ])
        let server = ServerSettings.read(gateway["server"])
        let storage = StorageSettings.read(gateway["storage"])
        let auth = AuthSettings.read(gateway["auth"])
        let dispatch = readDispatch(gateway["dispatch"])
        let sms = SMSConfiguration.read(gateway["sms"])
        let email = EmailSettings.read(gateway["email"], directory: directory)
        let logging = gateway["logging"]
        logging.expectMapping(allowedKeys: ["level", "format"])
        let logLevel = logging["level"].string() ?? "info"
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            logging["level"].error("unknown log level \"\(logLevel)\"")
        }
        let logFormat = logging["format"].oneOf(LogFormat.self, default: .text)

        let (departments, routing) = loadDepartmentsAndRouting(
            gateway: gateway, directory: directory, diagnostics: diagnostics, environment: environment)
        let hotlineProfiles = HotlineProfileLoader.loadAll(
            directory: directory.appendingPathComponent("hotline"), diagnostics: diagnostics, environment: environment)
        if let routing {
            let adapters =
                Set(gateway["sms"]["providers"].entries().map(\.key)).union(hotlineProfiles.keys)
                .union(email.mailboxes.map(\.mailbox.name)).union(auth.tokens.map(\.name))
            for issue in RuleValueCheck.warnings(routing, profiles: hotlineProfiles, adapters: adapters) {
                diagnostics.report(issue)
            }
        }
        diagnostics.discard { !use.concerns($0) }
        try diagnostics.throwIfErrors()
        guard let routing else { throw ConfigError(issues: diagnostics.issues) }
        return GatewayConfiguration(
            directory: directory, server: server, storage: storage, auth: auth, dispatch: dispatch,
            departments: departments, routing: routing, sms: sms, email: email, logLevel: logLevel,
            logFormat: logFormat, warnings: diagnostics.warnings, hotlineProfiles: hotlineProfiles,
            environment: environment)
    }

    /// Only gateway.yaml's `storage:` section: all a command that works on the store alone reads
    /// (`dlq`, `backup`), so it needs none of the secrets or tables the rest names.
    public static func loadStorage(
        directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (storage: StorageSettings, warnings: [ConfigIssue]) {
        let diagnostics = ConfigDiagnostics()
        let gateway = ConfigNode.load(
            url: directory.appendingPathComponent("gateway.yaml"), displayName: "gateway.yaml",
            diagnostics: diagnostics, environment: environment)
        let storage = StorageSettings.read(gateway["storage"])
        try diagnostics.throwIfErrors()
        return (storage, diagnostics.warnings)
    }

    /// The department ids departments.yaml names, read alone (no rule tables, no calendar, no
    /// endpoint checks): what `dlq` needs to tell a typo from a department with nothing dead.
    public static func departmentIDs(
        directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        let root = ConfigNode.load(
            url: directory.appendingPathComponent("departments.yaml"), displayName: "departments.yaml",
            diagnostics: ConfigDiagnostics(), environment: environment)
        return DepartmentsLoader.read(root, directory: directory).map(\.id)
    }

    /// departments.yaml, and the rule tables `gateway`'s `routing:` section names, validated
    /// against those departments: what the start and every reload read.
    static func loadDepartmentsAndRouting(
        gateway: ConfigNode, directory: URL, diagnostics: ConfigDiagnostics, environment: [String: String]
    ) -> (departments: [Department], routing: RoutingConfiguration?) {
        let departmentsRoot = ConfigNode.load(
            url: directory.appendingPathComponent("departments.yaml"), displayName: "departments.yaml",
            diagnostics: diagnostics, environment: environment)
        let departments = DepartmentsLoader.read(departmentsRoot, directory: directory)
        if !gateway["routing"].isPresent { gateway["routing"].error("required field is missing") }
        let routing = RoutingLoader.load(
            section: gateway["routing"], configDirectory: directory, departments: Set(departments.map(\.id)))
        return (departments, routing)
    }

    private static func readDispatch(_ node: ConfigNode) -> OutboxDispatcher.Settings {
        node.expectMapping(allowedKeys: ["max_in_flight", "poll_interval_ms", "paused"])
        return OutboxDispatcher.Settings(
            maxInFlight: node["max_in_flight"].int(default: 64, in: 1...10_000),
            pollInterval: .milliseconds(node["poll_interval_ms"].int(default: 1000, in: 10...60_000)),
            paused: node["paused"].bool(default: false)
        )
    }
}
