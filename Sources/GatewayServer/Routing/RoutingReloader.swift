import ComplaintCore
import Foundation
import Logging
import Metrics
import Routing
import Synchronization

/// Reloads the rule tables (the `routing:` section of gateway.yaml, `routing/*`, `calendar.yaml`)
/// and swaps the router only when everything validates; otherwise the running tables stay.
///
/// Departments are not reloaded (their endpoints belong to the dispatcher), so a table naming a
/// department added to departments.yaml since the start is refused until a restart.
public final class RoutingReloader: Sendable {
    /// What a reload did.
    public enum Outcome: Sendable {
        /// The new tables are in force.
        case reloaded(previousVersion: String, configuration: RoutingConfiguration, warnings: [ConfigIssue])
        /// The tables failed validation; the running version stays.
        case refused(runningVersion: String, issues: [ConfigIssue])
    }

    let routers: RouterHolder
    private let directory: URL
    private let departments: Set<String>
    private let environment: [String: String]
    private let logger: Logger
    /// One reload at a time, so two concurrent reloads cannot interleave their swaps.
    private let serial = Mutex(())

    init(
        routers: RouterHolder, directory: URL, departments: Set<String>, environment: [String: String],
        logger: Logger
    ) {
        self.routers = routers
        self.directory = directory
        self.departments = departments
        self.environment = environment
        self.logger = logger
    }

    /// Reads and validates the tables; swaps the router when they are valid.
    @discardableResult
    public func reload() -> Outcome {
        serial.withLock { _ in
            let diagnostics = ConfigDiagnostics()
            let gateway = ConfigNode.load(
                url: directory.appendingPathComponent("gateway.yaml"), displayName: "gateway.yaml",
                diagnostics: diagnostics, environment: environment)
            let configuration = RoutingLoader.load(
                section: gateway["routing"], configDirectory: directory, departments: departments)
            let running = routers.current.configuration.version
            guard let configuration, !diagnostics.hasErrors else {
                logger.error(
                    "rule tables refused; the running tables stay",
                    metadata: [
                        "cg.tables_version": "\(running)",
                        "cg.errors": "\(diagnostics.errors.map(\.description).joined(separator: "; "))",
                    ])
                Counter(label: "cg_routing_reloads_total", dimensions: [("result", "refused")]).increment()
                return .refused(runningVersion: running, issues: diagnostics.issues)
            }
            routers.replace(with: RuleRouter(configuration: configuration))
            Counter(label: "cg_routing_reloads_total", dimensions: [("result", "accepted")]).increment()
            logger.notice(
                "rule tables reloaded",
                metadata: ["cg.tables_version": "\(configuration.version)", "cg.previous_version": "\(running)"])
            return .reloaded(previousVersion: running, configuration: configuration, warnings: diagnostics.warnings)
        }
    }
}
