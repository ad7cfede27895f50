import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

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

    /// Puts a rule before the sample's first one, `xihu-noise`: 噪音 in 西湖区 goes to
    /// `environment`, where the sample sends it elsewhere. Then reloads the tables.
    func addDistrictRule() async throws {
        try edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "  - id: gas-leak\n",
                with: """
                      - id: xihu-noise
                        when:
                          keywords_any: [噪音]
                          district: [西湖区]
                        then: { department: environment }

                      - id: gas-leak

                    """)
        }
        try #require(try await gateway.request(.post, "/v1/routing/reload").status == 200)
    }

    func stop() async throws {
        try await gateway.stop()
        await downstream.stop()
        config.remove()
    }
}
