import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback HTTP proxy as egress proxies behave: `CONNECT host:port` opens a tunnel, any other
/// request (absolute URL as its target) is relayed to the host it names, in origin form. With `credentials`, a
/// request without the matching `Proxy-Authorization` gets 407. Every request head it received
/// first on a connection is logged.
public final class TestHTTPProxy: Sendable {
    public let port: Int
    private let channel: any Channel
    private let log: Log

    final class Log: Sendable {
        let state = Mutex<[String]>([])
    }

    /// The first request head of each connection, in arrival order.
    public var heads: [String] { log.state.withLock { $0 } }

    /// - Parameter credentials: `user:password` the proxy requires, nil for none.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, credentials: String? = nil)
        async throws
    {
        let log = Log()
        self.log = log
        let expected = credentials.map { "Basic " + Data($0.utf8).base64EncodedString() }
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FrontHandler(log: log, expected: expected))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async {
        try? await channel.close()
    }

    /// Reads the first request head, then relays bytes both ways.
    private final class FrontHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let log: Log
        let expected: String?
        var buffered: ByteBuffer?
        var peer: (any Channel)?
        var connecting = false

        init(log: Log, expected: String?) {
            self.log = log
            self.expected = expected
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            if let peer {
                peer.writeAndFlush(bytes, promise: nil)
                return
            }
            if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
            guard !connecting, let text = buffered!.getString(at: 0, length: buffered!.readableBytes),
                let end = text.range(of: "\r\n\r\n")
            else { return }
            let head = String(text[..<end.lowerBound])
            log.state.withLock { $0.append(head) }
            let lines = head.components(separatedBy: "\r\n")
            let parts = lines[0].split(separator: " ")
            guard parts.count == 3 else { return refuse(context, "400 Bad Request") }
            if let expected {
                let given = lines.dropFirst().first { $0.lowercased().hasPrefix("proxy-authorization:") }
                    .map { $0.dropFirst("proxy-authorization:".count).trimmingCharacters(in: .whitespaces) }
                guard given == expected else {
                    return refuse(context, "407 Proxy Authentication Required", extra: "Proxy-Authenticate: Basic\r\n")
                }
            }
            let tunnel = parts[0] == "CONNECT"
            let authority: Substring
            if tunnel {
                authority = parts[1]
            } else {
                guard parts[1].hasPrefix("http://") else { return refuse(context, "400 Bad Request") }
                authority = parts[1].dropFirst(7).prefix { $0 != "/" }
            }
            guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...])
            else { return refuse(context, "400 Bad Request") }
            let host = String(authority[..<colon])
            connecting = true
            let front = context.channel
            ClientBootstrap(group: context.eventLoop)
                .channelInitializer { back in
                    back.eventLoop.makeCompletedFuture {
                        try back.pipeline.syncOperations.addHandler(RelayHandler(peer: front))
                    }
                }
                .connect(host: host, port: port)
                .assumeIsolated()
                .whenComplete { result in
                    switch result {
                    case .success(let back):
                        self.peer = back
                        if tunnel {
                            var answer = front.allocator.buffer(capacity: 64)
                            answer.writeString("HTTP/1.1 200 Connection established\r\n\r\n")
                            front.writeAndFlush(answer, promise: nil)
                            // Whatever followed the CONNECT head belongs to the tunnel.
                            self.buffered!.moveReaderIndex(forwardBy: end.upperBound.utf16Offset(in: text))
                        } else {
                            // Relayed in origin form, as proxies do: the endpoint sees `POST /path`.
                            self.buffered = Self.originForm(self.buffered!, method: parts[0], authority: authority)
                        }
                        if let rest = self.buffered, rest.readableBytes > 0 { back.writeAndFlush(rest, promise: nil) }
                        self.buffered = nil
                    case .failure:
                        self.refuse(context, "502 Bad Gateway")
                    }
                }
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer?.close(promise: nil)
        }

        /// `bytes` with `http://AUTHORITY` taken out of the request line.
        private static func originForm(_ bytes: ByteBuffer, method: Substring, authority: Substring) -> ByteBuffer {
            let start = method.utf8.count + 1
            let cut = "http://".utf8.count + authority.utf8.count
            var rewritten = ByteBuffer()
            rewritten.writeBytes(bytes.readableBytesView.prefix(start))
            rewritten.writeBytes(bytes.readableBytesView.dropFirst(start + cut))
            return rewritten
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func refuse(_ context: ChannelHandlerContext, _ status: String, extra: String = "") {
            var answer = context.channel.allocator.buffer(capacity: 128)
            answer.writeString("HTTP/1.1 \(status)\r\n\(extra)Content-Length: 0\r\nConnection: close\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(answer)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    /// The endpoint side: bytes back to the client, close with it.
    private final class RelayHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let peer: any Channel
        init(peer: any Channel) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
        }
    }
}
