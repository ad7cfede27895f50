import ComplaintCore
import ComplaintDispatch
import Foundation
import HotlineCSVAdapter
import Logging
import Metrics
import Routing
import Synchronization

/// Reloads the rule tables (the `routing:` section of gateway.yaml, `routing/*`, `calendar.yaml`),
/// departments.yaml and the hotline profiles (`hotline/*.yaml`), and puts them in force only when
/// everything validates; otherwise the running ones stay.
///
/// The departments go first, so that a table naming a department added in the same reload finds
/// it delivering; the tables are validated against the departments read, not the running ones.
public final class ConfigReloader: Sendable {
    /// What a reload did.
    public enum Outcome: Sendable {
        /// The new tables and departments are in force.
        case reloaded(
            previousVersion: String, configuration: RoutingConfiguration, departments: [Department],
            profiles: [String], warnings: [ConfigIssue])
        /// The tables or the departments failed validation; the running ones stay.
        case refused(runningVersion: String, issues: [ConfigIssue])
    }

    let routers: RouterHolder
    private let profiles: HotlineProfileSet
    private let directory: URL
    private let dispatcher: OutboxDispatcher
    /// Builds the delivery transport for reloaded departments (their TLS files and proxies are
    /// read again); nil keeps the running transport (one given from outside, in tests).
    private let makeTransport: (@Sendable ([Department]) throws -> any DeliveryTransport)?
    /// What the running transport was built from: a reload builds a new one only when this changes.
    private let transportSettings: Mutex<TransportSettings>
    private let environment: [String: String]
    private let logger: Logger
    /// One reload at a time, so two concurrent reloads cannot interleave their swaps.
    private let serial = Mutex(())

    init(
        routers: RouterHolder, profiles: HotlineProfileSet, directory: URL, dispatcher: OutboxDispatcher,
        makeTransport: (@Sendable ([Department]) throws -> any DeliveryTransport)?, runningDepartments: [Department],
        environment: [String: String], logger: Logger
    ) {
        self.routers = routers
        self.profiles = profiles
        self.directory = directory
        self.dispatcher = dispatcher
        self.makeTransport = makeTransport
        transportSettings = Mutex(TransportSettings(runningDepartments))
        self.environment = environment
        self.logger = logger
    }

    /// What the whole configuration, read as a start reads it, says beyond `reported` (what the
    /// reload itself read): errors in what a reload does not put in force (gateway.yaml outside
    /// `routing:`), as warnings, since they do not stop the reload but the next start would
    /// refuse them; and the warnings only the whole configuration can give, such as a rule value
    /// that names no SMS provider, mailbox or profile district. The operator who just edited the
    /// files should hear them now, not at that start.
    private func wholeConfigurationIssues(besides reported: [ConfigIssue]) -> [ConfigIssue] {
        let known = Set(reported.map(\.description))
        do {
            let loaded = try GatewayConfiguration.load(directory: directory, environment: environment)
            return loaded.warnings.filter { !known.contains($0.description) }
        } catch let error as ConfigError {
            return error.issues.filter { !known.contains($0.description) }.map { issue in
                guard issue.severity == .error else { return issue }
                var warning = issue
                warning.severity = .warning
                warning.message = "not put in force by a reload, and the next start refuses it: \(issue.message)"
                return warning
            }
        } catch {
            return [
                ConfigIssue(
                    file: "gateway.yaml", line: nil, field: "",
                    message: "the next start would fail: \(error)", severity: .warning)
            ]
        }
    }

    /// Reads and validates the departments and the tables; puts them in force when all are valid.
    @discardableResult
    public func reload() -> Outcome {
        serial.withLock { _ in
            let diagnostics = ConfigDiagnostics()
            let gateway = ConfigNode.load(
                url: directory.appendingPathComponent("gateway.yaml"), displayName: "gateway.yaml",
                diagnostics: diagnostics, environment: environment)
            let (departments, configuration) = GatewayConfiguration.loadDepartmentsAndRouting(
                gateway: gateway, directory: directory, diagnostics: diagnostics, environment: environment)
            let hotlineProfiles = HotlineProfileLoader.loadAll(
                directory: directory.appendingPathComponent("hotline"), diagnostics: diagnostics,
                environment: environment)
            let running = routers.current.configuration.version
            // A new transport only when what it is built from changed (the TLS files are read
            // only for a reload that can be put in force).
            var transport: (transport: any DeliveryTransport, settings: TransportSettings)?
            if configuration != nil, !diagnostics.hasErrors, let makeTransport {
                let settings = TransportSettings(departments)
                if settings != transportSettings.withLock({ $0 }) {
                    do {
                        transport = (try makeTransport(departments), settings)
                    } catch {
                        diagnostics.report(
                            ConfigIssue(
                                file: "departments.yaml", line: nil, field: "",
                                message: "cannot set up delivery: \(error)"))
                    }
                }
            }
            guard let configuration, !diagnostics.hasErrors else {
                logger.error(
                    "reload refused: the running rule tables, departments and hotline profiles stay",
                    metadata: [
                        "cg.tables_version": "\(running)",
                        "cg.errors": "\(diagnostics.errors.map(\.description).joined(separator: "; "))",
                    ])
                Counter(label: "cg_routing_reloads_total", dimensions: [("result", "refused")]).increment()
                return .refused(runningVersion: running, issues: diagnostics.issues)
            }
            dispatcher.reconfigure(departments: departments, transport: transport?.transport)
            if let transport { transportSettings.withLock { $0 = transport.settings } }
            routers.replace(with: RuleRouter(configuration: configuration))
            profiles.replace(with: hotlineProfiles)
            Counter(label: "cg_routing_reloads_total", dimensions: [("result", "accepted")]).increment()
            logger.notice(
                "rule tables reloaded",
                metadata: [
                    "cg.tables_version": "\(configuration.version)", "cg.previous_version": "\(running)",
                    "cg.departments": "\(departments.count)",
                    "cg.hotline_profiles": "\(hotlineProfiles.keys.sorted().joined(separator: ","))",
                ])
            // Logged as well as answered: a reload by SIGHUP has no one to answer.
            let warnings = diagnostics.warnings + wholeConfigurationIssues(besides: diagnostics.warnings)
            for warning in warnings {
                logger.warning("reload: \(warning)", metadata: ["cg.tables_version": "\(configuration.version)"])
            }
            return .reloaded(
                previousVersion: running, configuration: configuration, departments: departments,
                profiles: hotlineProfiles.keys.sorted(), warnings: warnings)
        }
    }
}
