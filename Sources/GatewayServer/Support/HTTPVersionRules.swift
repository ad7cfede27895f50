import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// What a request's HTTP version decides, applied before the conversion to HTTP types, the last
/// place the version is known:
/// - an HTTP/1.1 request with no `Host` field is refused (RFC 9112 §3.2: the server must answer
///   400; HTTP/1.0 requests may leave it out). The head is not passed on: ``MissingHost`` goes up
///   the pipeline instead, where ``ParserErrorResponder`` answers it as it answers the parser's own
///   refusals, after any pipelined request before it, and closes. What follows is dropped.
/// - an HTTP/1.0 request without `Connection: keep-alive` gets `Connection: close`, so the
///   connection closes after its answer, as such a client expects (RFC 9112 §9.3); kept open,
///   a client reading to the end of the connection would wait for the read timeout. One with it
///   has `Connection: keep-alive` in its answer, which is how an HTTP/1.0 client learns that the
///   connection stays open.
final class HTTPVersionRules: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    struct MissingHost: Error {}

    private var refused = false
    /// For each request read and not answered yet (a client may pipeline), whether it is an
    /// HTTP/1.0 one that asked to keep the connection.
    private var keepAliveAsked: [Bool] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let isHTTP11 = (head.version.major, head.version.minor) >= (1, 1)
        if isHTTP11, !head.headers.contains(name: "Host") {
            refused = true
            context.fireErrorCaught(MissingHost())
            return
        }
        let keepAlive =
            !isHTTP11 && head.headers[canonicalForm: "Connection"].contains { $0.lowercased() == "keep-alive" }
        keepAliveAsked.append(keepAlive)
        if isHTTP11 || keepAlive {
            context.fireChannelRead(data)
        } else {
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An interim answer (100 Continue) is not the request's answer.
        guard case .head(var response) = unwrapOutboundIn(data), response.status.code >= 200,
            !keepAliveAsked.isEmpty
        else {
            context.write(data, promise: promise)
            return
        }
        if keepAliveAsked.removeFirst(), !response.headers.contains(name: "Connection") {
            response.headers.add(name: "Connection", value: "keep-alive")
            context.write(wrapOutboundOut(.head(response)), promise: promise)
            return
        }
        context.write(data, promise: promise)
    }

    /// Placed in front of the conversion to HTTP types by a handler after it (the server's
    /// configuration only adds handlers after the conversion).
    static func insert(in pipeline: ChannelPipeline.SynchronousOperations) {
        guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        try? pipeline.addHandler(HTTPVersionRules(), position: .before(codec))
    }
}
