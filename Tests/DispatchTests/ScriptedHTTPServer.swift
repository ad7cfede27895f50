import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback HTTP/1.1 server whose every answer is scripted at the byte level, per connection
/// and per request on it: for the transport's framing, keep-alive and failure paths, which a
/// well-behaved server framework never exhibits.
final class ScriptedHTTPServer: Sendable {
    /// What the server does with one complete request.
    enum Action: Sendable {
        /// Writes these bytes and keeps reading.
        case send(String)
        /// Writes these bytes, then closes the connection.
        case sendAndClose(String)
        /// Closes the connection without answering.
        case close
        /// Never answers.
        case hang
    }

    /// One request as received: its connection's number (from 0) and its raw bytes.
    struct Received: Sendable {
        var connection: Int
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    let port: Int
    private let channel: any Channel
    private let log = Log()

    private final class Log: Sendable {
        let state = Mutex<(connections: Int, received: [Received])>((0, []))
    }

    var received: [Received] { log.state.withLock { $0.received } }
    var connections: Int { log.state.withLock { $0.connections } }

    /// - Parameter script: the action for request `request` (from 0) on connection `connection`.
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: NIOSSLContext? = nil,
        script: @escaping @Sendable (_ connection: Int, _ request: Int) -> Action = { _, _ in .send(ok) }
    ) async throws {
        let log = self.log
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = log.state.withLock { state in
                    defer { state.connections += 1 }
                    return state.connections
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(connection: number, script: script) { received in
                            log.state.withLock { $0.received.append(received) }
                        })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }

    /// Splits the byte stream into requests (head plus `Content-Length` body) and acts on each.
    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let connection: Int
        private let script: @Sendable (Int, Int) -> Action
        private let record: @Sendable (Received) -> Void
        private var buffer: [UInt8] = []
        private var requests = 0

        init(
            connection: Int, script: @escaping @Sendable (Int, Int) -> Action,
            record: @escaping @Sendable (Received) -> Void
        ) {
            self.connection = connection
            self.script = script
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            buffer += unwrapInboundIn(data).readableBytesView
            while let length = Self.requestLength(buffer) {
                let request = Array(buffer.prefix(length))
                buffer.removeFirst(length)
                record(Received(connection: connection, bytes: request))
                let action = script(connection, requests)
                requests += 1
                switch action {
                case .send(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .sendAndClose(let text):
                    let closing = context.eventLoop.makePromise(of: Void.self)
                    closing.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: closing)
                    return
                case .close:
                    context.close(promise: nil)
                    return
                case .hang:
                    return
                }
            }
        }

        private static func requestLength(_ bytes: [UInt8]) -> Int? {
            let end = Array("\r\n\r\n".utf8)
            guard let headEnd = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == end }) else {
                return nil
            }
            let head = String(decoding: bytes[..<headEnd], as: UTF8.self).lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let total = headEnd + 4 + length
            return bytes.count >= total ? total : nil
        }
    }
}
