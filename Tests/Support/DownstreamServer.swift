import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A department's endpoint on 127.0.0.1 with a free port: records every request it receives and
/// answers as its script for the path (or the default script) says.
///
/// It answers on its event loop, never on the cooperative pool: a downstream whose answers wait
/// for a pool thread times the dispatcher under test out whenever other tests keep both of this
/// machine's pool threads busy, and a flaky delivery test is all that shows.
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
        /// Answers JSON made from the request's body (an OAuth 2.0 token or introspection endpoint).
        case json(@Sendable (_ requestBody: Data) -> (status: Int, json: String))
    }

    /// One received request.
    public struct Received: Sendable {
        public var path: String
        public var idempotencyKey: String?
        public var contentType: String?
        /// By lower-cased name.
        public var headers: [String: String]
        public var body: Data
        /// When the request arrived (its body read).
        public var receivedAt: Date
    }

    private struct State {
        var received: [Received] = []
        var defaultScript: Script
        var channel: (any Channel)?
        /// Open connections, closed by ``stop()`` as a stopping server closes its idle ones.
        var connections: [ObjectIdentifier: any Channel] = [:]
        /// Requests being answered now, and the most at once, per path.
        var active: [String: Int] = [:]
        var peak: [String: Int] = [:]
    }

    /// What the server does with one request: when to answer, and with what.
    fileprivate enum Answer {
        case now(status: Int, headers: [(String, String)], body: String)
        case after(TimeAmount, status: Int, body: String)
        case cutShort(body: String)
    }

    static let maxBodyBytes = 16 << 20

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
    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.channel?.localAddress?.port } ?? 0)" }

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
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let key = ObjectIdentifier(channel)
                self.state.withLock { $0.connections[key] = channel }
                channel.closeFuture.whenComplete { _ in
                    _ = self.state.withLock { $0.connections.removeValue(forKey: key) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        state.withLock { $0.channel = channel }
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        try? await state.withLock { $0.channel }?.close()
        // Only now: nothing is accepted any more.
        for connection in state.withLock({ Array($0.connections.values) }) { try? await connection.close() }
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

    /// Records a complete request and decides its answer.
    fileprivate func received(path: String, headers: [String: String], body: Data) -> Answer {
        let (count, fallback) = state.withLock { state -> (Int, Script) in
            state.received.append(
                Received(
                    path: path, idempotencyKey: headers["idempotency-key"], contentType: headers["content-type"],
                    headers: headers, body: body, receivedAt: Date()))
            state.active[path, default: 0] += 1
            state.peak[path] = max(state.peak[path, default: 0], state.active[path, default: 0])
            return (state.received.filter { $0.path == path }.count, state.defaultScript)
        }
        return Self.answer(following: scripts[path] ?? fallback, count: count, path: path, requestBody: body)
    }

    /// The answer to a request to `path` has been written (or its connection dropped).
    fileprivate func answered(path: String) {
        state.withLock { $0.active[path, default: 1] -= 1 }
    }

    private static func answer(following script: Script, count: Int, path: String, requestBody: Data) -> Answer {
        let body = "answer \(count) from \(path)"
        switch script {
        case .status(let code):
            return .now(status: code, headers: [], body: body)
        case .failThen(let failures, let failureStatus):
            return .now(status: count <= failures ? failureStatus : 200, headers: [], body: body)
        case .sleep(let duration):
            let (seconds, attoseconds) = duration.components
            return .after(.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000), status: 200, body: body)
        case .respond(let code, let headers):
            return .now(status: code, headers: headers.map { ($0.key, $0.value) }, body: body)
        case .retryAfterDate(let code, let seconds):
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: Date().addingTimeInterval(seconds))
            return .now(status: code, headers: [("Retry-After", date)], body: body)
        case .resetMidBody:
            return .cutShort(body: "partial answer \(count)")
        case .json(let make):
            let (status, json) = make(requestBody)
            return .now(status: status, headers: [("Content-Type", "application/json")], body: json)
        case .sequence(let scripts):
            guard let last = scripts.last else { return .now(status: 200, headers: [], body: body) }
            let script = count <= scripts.count ? scripts[count - 1] : last
            if case .sequence = script { return .now(status: 500, headers: [], body: body) }
            return answer(following: script, count: count, path: path, requestBody: requestBody)
        }
    }
}

/// One connection: collects each request, then writes the answer the server decides on.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: DownstreamServer
    private var head: HTTPRequestHead?
    private var body = Data()

    init(server: DownstreamServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = Data()
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
            if body.count > DownstreamServer.maxBodyBytes {
                write(context, status: 413, headers: [], body: "too large", keepAlive: false)
                head = nil
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let path = String(head.uri.prefix { $0 != "?" })
            guard head.method == .POST else {
                write(context, status: 404, headers: [], body: "not found", keepAlive: head.isKeepAlive)
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let keepAlive = head.isKeepAlive
            switch server.received(path: path, headers: headers, body: body) {
            case .now(let status, let extra, let text):
                write(context, status: status, headers: extra, body: text, keepAlive: keepAlive)
                server.answered(path: path)
            case .after(let delay, let status, let text):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let server = server
                context.eventLoop.scheduleTask(in: delay) {
                    let (handler, context) = bound.value
                    handler.write(context, status: status, headers: [], body: text, keepAlive: keepAlive)
                    server.answered(path: path)
                }
            case .cutShort(let text):
                // The promised length is never reached: the connection closes mid-body.
                var fields = HTTPHeaders()
                fields.add(name: "Content-Length", value: "4096")
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: fields)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.close(promise: nil)
                server.answered(path: path)
            }
        }
    }

    private func write(
        _ context: ChannelHandlerContext, status: Int, headers: [(String, String)], body: String, keepAlive: Bool
    ) {
        guard context.channel.isActive else { return }
        var fields = HTTPHeaders(headers)
        fields.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
        if !fields.contains(name: "Content-Type") {
            fields.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        }
        if !keepAlive { fields.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
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
