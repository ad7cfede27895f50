import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers `431 Request Header Fields Too Large` and closes when a request's line and headers pass
/// `server.max_header_bytes` or `server.max_headers`.
///
/// NIO's decoder stops at the limit (nothing past it is buffered) and reports `headerOverflow`;
/// left alone, the server would answer a bare `400`. The client deserves to know which limit it hit.
final class HeaderOverflowResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let limits: String

    init(maxHeaderBytes: Int, maxHeaders: Int) {
        limits = "request line and headers exceed the limit of \(maxHeaderBytes) bytes or \(maxHeaders) fields"
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let body = #"{"error":{"code":"headers_too_large","message":"\#(limits)"}}"#
        var head = HTTPResponse(status: .requestHeaderFieldsTooLarge)
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
