import Foundation
import GatewayServer
import GatewayTestSupport

/// A gateway on a copy of the sample config that a test may edit (then reload), delivering to
/// a test downstream.
struct ConfigCopyGateway {
    let gateway: RunningGateway
    let downstream: DownstreamServer
    /// The copied config directory.
    let directory: URL

    static func start() async throws -> ConfigCopyGateway {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cg-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: RunningGateway.configDirectory, to: copy)
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { $0.directory = copy }
        return ConfigCopyGateway(gateway: gateway, downstream: downstream, directory: copy)
    }

    /// Rewrites `file` (relative to the copy) with `change`.
    func edit(_ file: String, _ change: (String) -> String) throws {
        let url = directory.appendingPathComponent(file)
        try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    func stop() async throws {
        try await gateway.stop()
        await downstream.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
