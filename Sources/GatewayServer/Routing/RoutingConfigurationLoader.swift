import ComplaintCore
import Foundation
import Routing

/// Loads only what routing needs — department ids, the `routing:` section of gateway.yaml, the
/// tables and `calendar.yaml` — so integrators can check and try tables without the gateway's
/// secrets (tokens, signing keys) in their environment.
public enum RoutingConfigurationLoader {
    /// The routing configuration, or nil with the errors in the returned diagnostics.
    public static func load(directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (RoutingConfiguration?, ConfigDiagnostics)
    {
        let diagnostics = ConfigDiagnostics()
        let departmentsRoot = ConfigNode.load(
            url: directory.appendingPathComponent("departments.yaml"), displayName: "departments.yaml",
            diagnostics: diagnostics, environment: environment)
        let departments = Set(departmentsRoot["departments"].items().compactMap { $0["id"].string() })
        let gateway = ConfigNode.load(
            url: directory.appendingPathComponent("gateway.yaml"), displayName: "gateway.yaml",
            diagnostics: diagnostics, environment: environment)
        if !gateway["routing"].isPresent { gateway["routing"].error("required field is missing") }
        let routing = RoutingLoader.load(
            section: gateway["routing"], configDirectory: directory, departments: departments)
        return (diagnostics.hasErrors ? nil : routing, diagnostics)
    }
}
