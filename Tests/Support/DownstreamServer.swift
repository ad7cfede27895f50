import Foundation
import HTTPTypes
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
        /// Answers `status` with these response headers (e.g. 429 with `Retry-After`).
        case respond(status: Int, headers: [String: String])
        /// Answers `status` with `Retry-After` as an HTTP-date `seconds` after the request (RFC 9110 §10.2.3).
        case retryAfterDate(status: Int, seconds: TimeInterval)
        /// Starts a 200 response, sends part of its body, then drops the connection.
        case resetMidBody
        /// The n-th request to the path follows the n-th script; the last one repeats.
        case sequence([Script])
    }

    /// One received request.
    public struct Received: Sendable {
        public var path: String
        public var idempotencyKey: String?
        public var contentType: String?
        public var headers: [String: String]
        public var body: Data
        /// When the request arrived (its body read).
        public var receivedAt: Date
    }

    private struct State {
        var received: [Received] = []
        var defaultScript: Script
        var port: Int?
        var task: Task<Void, any Error>?
        /// Requests being answered now, and the most at once, per path.
        var active: [String: Int] = [:]
        var peak: [String: Int] = [:]
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

    /// The most requests to `path` that were being answered at the same time.
    public func peakConcurrency(_ path: String) -> Int { state.withLock { $0.peak[path, default: 0] } }

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
                    headers: headers, body: Data(body.readableBytesView), receivedAt: Date()))
            state.active[path, default: 0] += 1
            state.peak[path] = max(state.peak[path, default: 0], state.active[path, default: 0])
            return (state.received.filter { $0.path == path }.count, state.defaultScript)
        }
        defer { state.withLock { $0.active[path, default: 1] -= 1 } }
        return try await Self.respond(following: scripts[path] ?? fallback, count: count, path: path)
    }

    private struct ConnectionDropped: Error {}

    private static func respond(following script: Script, count: Int, path: String) async throws -> Response {
        let body = ResponseBody(byteBuffer: ByteBuffer(string: "answer \(count) from \(path)"))
        switch script {
        case .status(let code):
            return Response(status: HTTPResponse.Status(code: code), body: body)
        case .failThen(let failures, let failureStatus):
            return Response(status: HTTPResponse.Status(code: count <= failures ? failureStatus : 200), body: body)
        case .sleep(let duration):
            try await Task.sleep(for: duration)
            return Response(status: .ok, body: body)
        case .respond(let code, let headers):
            var fields = HTTPFields()
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(status: HTTPResponse.Status(code: code), headers: fields, body: body)
        case .retryAfterDate(let code, let seconds):
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: Date().addingTimeInterval(seconds))
            return Response(status: HTTPResponse.Status(code: code), headers: [.retryAfter: date], body: body)
        case .resetMidBody:
            // The promised length is never reached: the server closes the connection mid-body.
            return Response(
                status: .ok, headers: [.contentLength: "4096"],
                body: ResponseBody(contentLength: 4096) { writer in
                    try await writer.write(ByteBuffer(string: "partial answer \(count)"))
                    throw ConnectionDropped()
                })
        case .sequence(let scripts):
            guard let last = scripts.last else { return Response(status: .ok, body: body) }
            let script = count <= scripts.count ? scripts[count - 1] : last
            if case .sequence = script { return Response(status: .internalServerError, body: body) }
            return try await respond(following: script, count: count, path: path)
        }
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
