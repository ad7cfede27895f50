import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A department's endpoint on 127.0.0.1 with a free port: records every request it receives and
/// answers as its script for the path (or the default script) says.
public final class DownstreamServer: Sendable {
    /// How a path answers.
    public enum Script: Sendable {
        /// Always this status.
        case status(Int)
        /// `failures` times `failureStatus`, then 200.
        case failThen(failures: Int, failureStatus: Int)
        /// Sleeps, then answers 200 (for timeouts).
        case sleep(Duration)
    }

    /// One received request.
    public struct Received: Sendable {
        public var path: String
        public var idempotencyKey: String?
        public var contentType: String?
        public var headers: [String: String]
        public var body: Data
    }

    private struct State {
        var received: [Received] = []
        var defaultScript: Script
        var port: Int?
        var task: Task<Void, any Error>?
    }

    private let scripts: [String: Script]
    private let state: Mutex<State>

    public init(scripts: [String: Script] = [:], defaultScript: Script = .status(200)) {
        self.scripts = scripts
        state = Mutex(State(defaultScript: defaultScript))
    }

    /// Starts a server and returns it once it listens.
    public static func start(scripts: [String: Script] = [:], defaultScript: Script = .status(200)) async throws
        -> DownstreamServer
    {
        let server = DownstreamServer(scripts: scripts, defaultScript: defaultScript)
        try await server.start()
        return server
    }

    /// `http://127.0.0.1:PORT` once started.
    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.port } ?? 0)" }

    /// Every request received, in arrival order.
    public var requests: [Received] { state.withLock { $0.received } }

    /// Requests received on `path` (e.g. `/water`), in arrival order.
    public func requests(to path: String) -> [Received] { requests.filter { $0.path == path } }

    /// Changes how paths without their own script answer.
    public func setDefault(_ script: Script) { state.withLock { $0.defaultScript = script } }

    /// Starts listening; returns when the port is bound.
    public func start() async throws {
        let router = Router()
        router.post("/**") { request, _ -> Response in try await self.answer(request) }
        var logger = Logger(label: "test.downstream")
        logger.logLevel = .critical
        let bound = Mutex<Int?>(nil)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in bound.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        state.withLock { $0.task = task }
        try await eventually(timeout: .seconds(20), "downstream listening") { bound.withLock { $0 } != nil }
        state.withLock { $0.port = bound.withLock { $0 } }
    }

    /// Stops the server.
    public func stop() async {
        let task = state.withLock { $0.task }
        task?.cancel()
        _ = await task?.result
    }

    /// Runs the server for the duration of `body`, passing its base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        try await start()
        do {
            let result = try await body(baseURL)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        var request = request
        let path = request.uri.path
        let body = try await request.collectBody(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let (count, fallback) = state.withLock { state -> (Int, Script) in
            state.received.append(
                Received(
                    path: path, idempotencyKey: headers["idempotency-key"], contentType: headers["content-type"],
                    headers: headers, body: Data(body.readableBytesView)))
            return (state.received.filter { $0.path == path }.count, state.defaultScript)
        }
        let status: Int
        switch scripts[path] ?? fallback {
        case .status(let code):
            status = code
        case .failThen(let failures, let failureStatus):
            status = count <= failures ? failureStatus : 200
        case .sleep(let duration):
            try await Task.sleep(for: duration)
            status = 200
        }
        return Response(
            status: HTTPResponse.Status(code: status),
            body: ResponseBody(byteBuffer: ByteBuffer(string: "answer \(count) from \(path)")))
    }
}

/// Raised by ``eventually(timeout:_:_:)``.
public struct TestTimeout: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool)
    async throws
{
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout("timed out waiting for: \(what)") }
        try await Task.sleep(for: .milliseconds(25))
    }
}
