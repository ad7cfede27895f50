import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayServer
import HotlineCSVAdapter

/// The configuration loaders: each input replaces one file of a copy of the sample configuration,
/// and the whole configuration is loaded as `serve` and `config check` load it.
enum ConfigTargets {
    /// Variables the sample files interpolate; `${GATEWAY_TOKEN}` has no default.
    static let environment = ["GATEWAY_TOKEN": "fuzz-token-0123456789abcdefghij"]

    static func gateway(_ bytes: [UInt8]) {
        FuzzConfig.write(bytes, as: "gateway.yaml")
        defer { FuzzConfig.write(FuzzConfig.original("gateway.yaml"), as: "gateway.yaml") }
        _ = try? GatewayConfiguration.load(directory: FuzzConfig.scratch, environment: environment)
    }

    static func departments(_ bytes: [UInt8]) {
        // departments.yaml alone, without the routing tables that would reject unknown departments first.
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            data: Data(bytes), displayName: "departments.yaml", diagnostics: diagnostics, environment: environment)
        _ = DepartmentsLoader.read(root, directory: FuzzConfig.scratch)
        _ = diagnostics.issues.map(\.description)
    }

    static func hotlineProfile(_ bytes: [UInt8]) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            data: Data(bytes), displayName: "hotline/fuzz.yaml", diagnostics: diagnostics, environment: environment)
        _ = HotlineProfileLoader.read(root, name: "fuzz")
        _ = diagnostics.issues.map(\.description)
    }
}
