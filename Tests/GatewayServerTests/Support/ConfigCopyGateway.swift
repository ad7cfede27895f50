import Foundation
import GatewayServer
import GatewayTestSupport

/// A gateway on a copy of the sample config that a test may edit (then reload), delivering to
/// a test downstream.
struct ConfigCopyGateway {
    let gateway: RunningGateway
    let downstream: DownstreamServer
    let config: SampleConfigCopy
    /// The copied config directory.
    var directory: URL { config.directory }

    static func start() async throws -> ConfigCopyGateway {
        let config = try SampleConfigCopy.temporary("cg-config")
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { $0.directory = config.directory }
        return ConfigCopyGateway(gateway: gateway, downstream: downstream, config: config)
    }

    /// Rewrites `file` (relative to the copy) with `change`.
    func edit(_ file: String, _ change: (String) -> String) throws { try config.edit(file, change) }

    func stop() async throws {
        try await gateway.stop()
        await downstream.stop()
        config.remove()
    }
}
