import NIOCore

/// Opens a `CONNECT` tunnel through an HTTP proxy (RFC 9110 §9.3.6) on a fresh connection to the
/// proxy, then takes itself out of the pipeline so TLS and HTTP run inside the tunnel.
///
/// `tunnel` succeeds on a 2xx answer and fails with ``HTTP1ProxyError`` on any other, or when
/// the proxy closes the connection or sends more than a response head before the tunnel is up.
final class HTTP1ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A proxy's answer head longer than this is not an answer to `CONNECT`.
    static let headLimit = 16 * 1024

    private let authority: String
    private let authorization: String?
    private var tunnel: EventLoopPromise<Void>?
    private var received: ByteBuffer?
    private var sent = false

    /// - Parameters:
    ///   - authority: `host:port` of the endpoint (an IPv6 literal in brackets).
    ///   - authorization: `Proxy-Authorization` value, if the proxy needs credentials.
    init(authority: String, authorization: String?, tunnel: EventLoopPromise<Void>) {
        self.authority = authority
        self.authorization = authorization
        self.tunnel = tunnel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendConnect(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendConnect(context: context)
        context.fireChannelActive()
    }

    private func sendConnect(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var request = context.channel.allocator.buffer(capacity: 128 + authority.utf8.count * 2)
        request.writeString("CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n")
        if let authorization { request.writeString("Proxy-Authorization: \(authorization)\r\n") }
        request.writeStaticString("\r\n")
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard tunnel != nil else { return }
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        guard let head = received, let end = Self.endOfHead(head) else {
            if received!.readableBytes > Self.headLimit {
                fail(context, .malformed("the proxy's answer to CONNECT has no end"))
            }
            return
        }
        guard let status = Self.status(head) else {
            fail(context, .malformed("the proxy's answer to CONNECT is not HTTP"))
            return
        }
        guard (200..<300).contains(status) else {
            fail(context, .refused(status))
            return
        }
        // A proxy speaks no further once the tunnel is up: whatever follows would be the endpoint's,
        // and the endpoint has not been asked anything yet.
        guard head.readableBytes == end else {
            fail(context, .malformed("the proxy sent data after its answer to CONNECT"))
            return
        }
        let promise = tunnel
        tunnel = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        promise?.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, .closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tunnel {
            self.tunnel = nil
            tunnel.fail(error)
            context.close(promise: nil)
        } else {
            context.fireErrorCaught(error)
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: HTTP1ProxyError) {
        guard let tunnel else { return }
        self.tunnel = nil
        tunnel.fail(error)
        context.close(promise: nil)
    }

    /// The length of the head up to and including its blank line, if it is complete.
    private static func endOfHead(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            for index in 3..<bytes.count
            where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A
                && bytes[index - 3] == 0x0D
            {
                return index + 1
            }
            return nil
        }
    }

    /// The status code of `HTTP/1.x NNN …`.
    private static func status(_ head: ByteBuffer) -> Int? {
        let bytes = head.readableBytesView
        guard bytes.starts(with: "HTTP/1.".utf8), bytes.count >= 12 else { return nil }
        let start = bytes.startIndex + 9
        let digits = bytes[start..<start + 3]
        guard bytes[start - 1] == 0x20, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}

/// Why a proxy did not open the way to an endpoint.
enum HTTP1ProxyError: Error, Equatable, CustomStringConvertible {
    /// The proxy answered `CONNECT` with this status.
    case refused(Int)
    /// The proxy closed the connection before answering.
    case closed
    case malformed(String)

    var description: String {
        switch self {
        case .refused(407): "tunnel refused with HTTP 407 (credentials missing or not accepted)"
        case .refused(let status): "tunnel refused with HTTP \(status)"
        case .closed: "closed the connection before opening the tunnel"
        case .malformed(let reason): "invalid answer: \(reason)"
        }
    }
}
