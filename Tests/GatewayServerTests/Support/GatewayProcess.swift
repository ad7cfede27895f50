import AsyncHTTPClient
import Foundation
import GatewayTestSupport
import NIOCore
import NIOHTTP1
import Testing

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
    ///
    /// The port is probed free and then released, so another socket (a test's client connection
    /// takes ephemeral ports too) can take it before the gateway binds it: a start refused for
    /// that reason is tried again on another port. Any other early exit throws with the tail of
    /// what the gateway wrote to standard error.
    /// - Parameter extraEnvironment: set for the process besides the usual (`NOTIFY_SOCKET`, …).
    static func start(
        downstream: String, dataDirectory: URL, configDirectory: URL = RunningGateway.configDirectory,
        extraEnvironment: [String: String] = [:]
    ) async throws -> GatewayProcess {
        try await startRetryingOnTakenPort(
            portTaken: { ($0 as? ExitedEarly)?.portTaken == true },
            start: {
                try await startOnce(
                    downstream: downstream, dataDirectory: dataDirectory, configDirectory: configDirectory,
                    extraEnvironment: extraEnvironment)
            })
    }

    private static func startOnce(
        downstream: String, dataDirectory: URL, configDirectory: URL, extraEnvironment: [String: String]
    ) async throws -> GatewayProcess {
        let port = try freePort()
        let errorLog = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-gateway-stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errorLog) }
        let errorDescriptor = open(errorLog.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard errorDescriptor >= 0 else { throw TestTimeout("cannot create \(errorLog.path)") }
        defer { close(errorDescriptor) }
        let process = try SpawnedChild(
            executable.path,
            [
                "serve", "--config", configDirectory.path, "--data-dir", dataDirectory.path,
                "--listen", "127.0.0.1:\(port)",
            ],
            environment: environment(downstream: downstream).merging(extraEnvironment) { $1 },
            errorOutput: errorDescriptor)
        let started = GatewayProcess(process: process, port: port, dataDirectory: dataDirectory)
        try await eventually(timeout: .seconds(30), "gateway process answering") {
            if let code = process.exitCode() {
                let written = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
                throw ExitedEarly(code: code, errorOutput: written)
            }
            return (try? await started.get("/healthz")) == 200
        }
        return started
    }

    /// `serve` ended before it answered.
    struct ExitedEarly: Error, CustomStringConvertible {
        let code: Int32
        let errorOutput: String
        var portTaken: Bool { errorOutput.contains("already in use") }
        var description: String {
            "gateway process exited with \(code): \(errorOutput.split(separator: "\n").suffix(5).joined(separator: "\n"))"
        }
    }

    /// Kills the process with SIGKILL: no shutdown, no flush, no goodbye.
    func kill() async {
        process.send(SIGKILL)
        await process.exited()
    }

    /// SIGTERM and wait: graceful shutdown, which must end within a minute.
    func stop() async {
        process.send(SIGTERM)
        if await process.exited(within: .seconds(60)) == nil {
            Issue.record("the gateway did not stop within 60 s of SIGTERM (killed)")
        }
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
