import AsyncHTTPClient
import Foundation
import GatewayTestSupport
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// The built `complaint-gateway` executable run as a child process with the sample config: for
/// what only a real process shows (SIGKILL, the CLI).
final class GatewayProcess: Sendable {
    /// The executable next to the test bundle (`swift build --build-tests` builds both).
    static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("complaint-gateway")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return RunningGateway.configDirectory.deletingLastPathComponent()
            .appendingPathComponent(".build/debug/complaint-gateway")
    }()

    let process: SpawnedChild
    let port: Int
    let dataDirectory: URL

    private init(process: SpawnedChild, port: Int, dataDirectory: URL) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
    }

    static func environment(downstream: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GATEWAY_TOKEN"] = RunningGateway.token
        environment["DOWNSTREAM_URL"] = downstream
        environment["LOG_LEVEL"] = "critical"
        environment.removeValue(forKey: "DOWNSTREAM_SIGNING_SECRET")
        return environment
    }

    /// Starts `complaint-gateway serve` and returns once `/healthz` answers.
    static func start(
        downstream: String, dataDirectory: URL, configDirectory: URL = RunningGateway.configDirectory
    ) async throws -> GatewayProcess {
        let port = try freePort()
        let process = try SpawnedChild(
            executable.path,
            [
                "serve", "--config", configDirectory.path, "--data-dir", dataDirectory.path,
                "--listen", "127.0.0.1:\(port)",
            ],
            environment: environment(downstream: downstream))
        let started = GatewayProcess(process: process, port: port, dataDirectory: dataDirectory)
        try await eventually(timeout: .seconds(30), "gateway process answering") {
            if let code = process.exitCode() { throw TestTimeout("gateway process exited with \(code)") }
            return (try? await started.get("/healthz")) == 200
        }
        return started
    }

    /// Kills the process with SIGKILL: no shutdown, no flush, no goodbye.
    func kill() async {
        process.send(SIGKILL)
        await process.exited()
    }

    /// SIGTERM and wait: graceful shutdown.
    func stop() async {
        process.send(SIGTERM)
        await process.exited()
    }

    func get(_ path: String) async throws -> Int { try await getBody(path).status }

    func getBody(_ path: String) async throws -> (status: Int, body: String) {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    func post(_ json: String) async throws -> String? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/complaints")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(RunningGateway.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return response.status.code == 201 ? object?["id"] as? String : nil
    }

    /// Runs the CLI (`dlq …`) to completion; returns its exit status and standard output.
    static func run(_ arguments: [String], downstream: String) async throws -> (status: Int32, output: String) {
        let (status, data) = try await spawnCapturingOutput(
            executable.path, arguments, environment: environment(downstream: downstream), errorOutput: nil)
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// A loopback port free right now (bound to port 0, read, released).
    static func freePort() throws -> Int {
        let probe = try ClosedPort()
        defer { probe.close() }
        return probe.port
    }
}
