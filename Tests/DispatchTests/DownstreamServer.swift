import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A department's endpoint on 127.0.0.1 with a random port: records every request it receives
/// and answers as each path's script says.
final class DownstreamServer: Sendable {
    /// How one path answers.
    enum Script: Sendable {
        /// Always this status.
        case status(Int)
        /// `failures` times `failureStatus`, then 200.
        case failThen(failures: Int, failureStatus: Int)
        /// Sleeps, then answers 200 (for timeouts).
        case sleep(Duration)
    }

    /// One received request.
    struct Received: Sendable {
        var path: String
        var idempotencyKey: String?
        var contentType: String?
        var headers: [String: String]
        var body: Data
    }

    private let scripts: [String: Script]
    private let received = Mutex<[Received]>([])

    init(scripts: [String: Script]) {
        self.scripts = scripts
    }

    /// Requests received on `path` (e.g. `/water`), in arrival order.
    func requests(to path: String) -> [Received] {
        received.withLock { $0.filter { $0.path == path } }
    }

    /// Runs the server for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT`).
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/{name}") { request, context -> Response in
            try await self.answer(request, context: context)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.downstream")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw CancellationError()
            }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    private func answer(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let path = request.uri.path
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let count = received.withLock { received -> Int in
            received.append(
                Received(
                    path: path, idempotencyKey: headers["idempotency-key"], contentType: headers["content-type"],
                    headers: headers, body: Data(body.readableBytesView)))
            return received.filter { $0.path == path }.count
        }
        let status: Int
        switch scripts[path] ?? .status(200) {
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

/// A loopback port bound but never listening: connecting to it is refused. Held until `close()`.
final class ClosedPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            _ = Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
