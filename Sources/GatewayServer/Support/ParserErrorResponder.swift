import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers the requests NIO's HTTP parser refuses before any route sees them, in the gateway's
/// own shape, and closes: `431 headers_too_large` when the line and headers pass
/// `server.max_header_bytes` or `server.max_headers`, else `400 malformed_request` (two
/// `Content-Length`s, `Content-Length` with `Transfer-Encoding`, a folded or NUL-bearing header,
/// bare LF line ends, an HTTP/2 preface). NIO passes on one refusal RFC 9112 §3.2 asks for: a
/// request with two `Host` fields (two parsers could take different ones for the target's
/// authority), answered here the same way; and one NIO cannot see after the conversion to HTTP
/// types, an HTTP/1.1 request with no `Host` (found by ``HTTPVersionRules``, which this handler puts
/// before the conversion).
///
/// Left alone, the server would answer a bare `400` with no body and none of the security
/// headers; the client deserves to know what was wrong. A parser error in a body whose head
/// already went to its route (a broken chunk) is the route's to answer, and passes on.
final class ParserErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: String
    /// A request's head went on and its end has not: its route answers what goes wrong now.
    private var inRequest = false
    /// Requests read whose responses have not ended: an answer now would come before theirs
    /// (pipelining), so it waits until they are written.
    private var unanswered = 0
    private var deferred: (status: HTTPResponse.Status, code: String, message: String)?
    /// A request was refused here: nothing more is read from the connection, which closes.
    private var refused = false
    /// The first `Host` becomes the request's authority; a second one stays among the fields.
    private static let host = HTTPField.Name("Host")!

    init(maxHeaderBytes: Int, maxHeaders: Int) {
        limits = "request line and headers exceed the limit of \(maxHeaderBytes) bytes or \(maxHeaders) fields"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let request):
            if request.headerFields[Self.host] != nil {
                refused = true
                reply(context, (.badRequest, "malformed_request", "the request has more than one Host header field"))
                return
            }
            inRequest = true
            unanswered += 1
        case .end: inRequest = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        HTTPVersionRules.insert(in: context.pipeline.syncOperations)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPVersionRules.MissingHost {
            refused = true
            reply(context, (.badRequest, "malformed_request", "an HTTP/1.1 request must have a Host header field"))
            return
        }
        guard let parserError = error as? HTTPParserError, !inRequest || parserError == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let reply: (status: HTTPResponse.Status, code: String, message: String) =
            parserError == .headerOverflow
            ? (.requestHeaderFieldsTooLarge, "headers_too_large", limits)
            : (.badRequest, "malformed_request", "the request's framing or headers are invalid (\(parserError))")
        self.reply(context, reply)
    }

    /// Answers now, or after the answers to the requests read before this one (pipelining).
    private func reply(
        _ context: ChannelHandlerContext, _ reply: (status: HTTPResponse.Status, code: String, message: String)
    ) {
        if unanswered > 0 {
            deferred = reply
        } else {
            answer(context, reply)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        unanswered = max(0, unanswered - 1)
        context.write(data, promise: promise)
        if unanswered == 0, let reply = deferred {
            deferred = nil
            answer(context, reply)
        }
    }

    private func answer(
        _ context: ChannelHandlerContext, _ reply: (status: HTTPResponse.Status, code: String, message: String)
    ) {
        let (status, code, message) = reply
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        var head = HTTPResponse(status: status)
        head.headerFields = [
            .contentType: "application/json; charset=utf-8", .contentLength: "\(body.utf8.count)",
            .connection: "close",
        ]
        SecurityHeaders.apply(to: &head.headerFields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
