import AsyncHTTPClient
import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayServer
import GatewayTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A real gateway on 127.0.0.1 with the sample configuration from `config/`, a temporary data
/// directory, and its departments pointed at a test downstream.
final class RunningGateway: Sendable {
    static let token = "test-token-0123456789abcdef"
    static let configDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    let gateway: Gateway
    let port: Int
    let dataDirectory: URL
    private let task: Task<Void, any Error>

    private init(gateway: Gateway, port: Int, dataDirectory: URL, task: Task<Void, any Error>) {
        self.gateway = gateway
        self.port = port
        self.dataDirectory = dataDirectory
        self.task = task
    }

    /// Loads the sample config with `GATEWAY_TOKEN` and `DOWNSTREAM_URL` set for the test.
    static func configuration(downstream: String, dataDirectory: URL, extraEnvironment: [String: String] = [:]) throws
        -> GatewayConfiguration
    {
        var environment = ["GATEWAY_TOKEN": token, "DOWNSTREAM_URL": downstream]
        environment.merge(extraEnvironment) { _, new in new }
        var configuration = try GatewayConfiguration.load(directory: configDirectory, environment: environment)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.storage.dataDirectory = dataDirectory.path
        configuration.dispatch.pollInterval = .milliseconds(50)
        for index in configuration.departments.indices {
            configuration.departments[index].endpoint.retry.baseDelay = 0.05
            configuration.departments[index].endpoint.retry.maxDelay = 0.3
            configuration.departments[index].endpoint.timeout = 5
            configuration.departments[index].endpoint.breaker = CircuitBreakerPolicy(
                failureThreshold: 5, openDuration: 0.2, maxOpenDuration: 0.5)
        }
        return configuration
    }

    static func start(
        downstream: String, dataDirectory: URL? = nil, environment: [String: String] = [:], logger: Logger? = nil,
        configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> RunningGateway {
        let directory =
            dataDirectory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-test-\(UUID().uuidString)", isDirectory: true)
        var configuration = try configuration(
            downstream: downstream, dataDirectory: directory, extraEnvironment: environment)
        configure(&configuration)
        let logger =
            logger
            ?? {
                var logger = Logger(label: "test-gateway")
                logger.logLevel =
                    ProcessInfo.processInfo.environment["CG_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
                    ?? .critical
                return logger
            }()
        let gateway = try Gateway(configuration: configuration, logger: logger, registry: GatewayMetrics.registry)
        let port = Mutex<Int?>(nil)
        let task = Task { try await gateway.run(handleSignals: false) { bound in port.withLock { $0 = bound } } }
        // Generous: with the whole suite's gateways starting at once on two busy cores (a build
        // beside it), a start has taken over 30 s; a gateway that never listens still fails.
        try await eventually(timeout: .seconds(90), "gateway listening") { port.withLock { $0 } != nil }
        return RunningGateway(gateway: gateway, port: port.withLock { $0! }, dataDirectory: directory, task: task)
    }

    /// Graceful shutdown; returns when the store is closed.
    func stop() async throws {
        await gateway.shutdown()
        try await task.value
    }

    var databasePath: String { dataDirectory.appendingPathComponent("gateway.sqlite").path }

    // MARK: HTTP

    struct Reply: Sendable {
        let status: Int
        let body: Data
        let headers: [(String, String)]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    }

    /// The HTTP methods tests use.
    enum Verb: String, Sendable { case get, head, post, put, delete }

    func request(
        _ verb: Verb, _ path: String, body: Data? = nil, token: String? = RunningGateway.token,
        headers: [(String, String)] = [("Content-Type", "application/json")],
        timeout: Int64 = 30
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = HTTPMethod(rawValue: verb.rawValue.uppercased())
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Reply(
            status: Int(response.status.code), body: Data(collected.readableBytesView),
            headers: response.headers.map { ($0.name, $0.value) })
    }

    func post(_ json: String, idempotencyKey: String? = nil, timeout: Int64 = 30) async throws -> Reply {
        var headers = [("Content-Type", "application/json")]
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try await request(.post, "/v1/complaints", body: Data(json.utf8), headers: headers, timeout: timeout)
    }
}

/// Runs a statement with the sqlite3 command-line shell on a gateway database (fault injection, counts).
@discardableResult
func sqlite(_ path: String, _ sql: String) async throws -> String {
    let data = try await spawnCapturingOutput("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", path, sql]).output
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
