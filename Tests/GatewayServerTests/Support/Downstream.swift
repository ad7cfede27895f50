import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real department endpoint on 127.0.0.1 that records every delivery and can be told to fail.
final class Downstream: Sendable {
    struct Delivery: Sendable {
        let path: String
        let idempotencyKey: String?
        let contentType: String?
        let body: Data
    }

    /// What the endpoint answers.
    enum Behaviour: Sendable {
        case ok
        /// Answer this status with an optional Retry-After.
        case status(Int)
    }

    private let state = Mutex<(deliveries: [Delivery], behaviour: Behaviour)>(([], .ok))
    private let task = Mutex<Task<Void, any Error>?>(nil)
    let port: Int

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    func setBehaviour(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    private init(port: Int) { self.port = port }

    /// Starts a downstream on a free port (or on `port`).
    static func start(port: Int = 0, behaviour: Behaviour = .ok) async throws -> Downstream {
        let portBox = Mutex<Int?>(nil)
        let router = Router()
        let holder = Mutex<Downstream?>(nil)
        router.post("/**") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            guard let downstream = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let behaviour = downstream.state.withLock { state -> Behaviour in
                state.deliveries.append(
                    Delivery(
                        path: request.uri.path,
                        idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                        contentType: request.headers[.contentType],
                        body: Data(body.readableBytesView)))
                return state.behaviour
            }
            switch behaviour {
            case .ok: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"received\":true}")))
            case .status(let code): return Response(status: .init(code: code))
            }
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in portBox.withLock { $0 = channel.localAddress?.port } },
            logger: {
                var logger = Logger(label: "test-downstream")
                logger.logLevel = .critical
                return logger
            }())
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let deadline = ContinuousClock.now + .seconds(20)
        while portBox.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else { throw TestTimeout("downstream did not start") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let downstream = Downstream(port: portBox.withLock { $0! })
        downstream.state.withLock { $0.behaviour = behaviour }
        holder.withLock { $0 = downstream }
        downstream.task.withLock { $0 = task }
        return downstream
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        let task = self.task.withLock { $0 }
        task?.cancel()
        _ = await task?.result
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout("timed out waiting for: \(what)") }
        try await Task.sleep(for: .milliseconds(25))
    }
}
