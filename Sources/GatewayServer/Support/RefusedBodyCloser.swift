import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes the connection after an error answered before its request's body was read (a 401 with no
/// token, a 404, a 413 on `Content-Length`), instead of reading that body to its end.
///
/// The server loop reads and discards whatever body a route left unread before it takes the next
/// request on the connection, however large its declared length: anyone able to reach the listener
/// could keep it reading gigabytes it has already refused. After such an answer (sent with
/// `Connection: close`), the rest of the body is not passed on; up to ``lingerBytes`` more, or
/// ``lingerTime``, is read and dropped so the client's last writes do not reset the connection
/// before it has read the answer (what nginx's lingering close does); then the connection closes.
final class RefusedBodyCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let lingerBytes = 1 << 20
    static let lingerTime = TimeAmount.seconds(2)

    /// The latest request's head was passed on and its end not yet.
    private var requestOpen = false
    /// Requests whose answer has not ended yet. With more than one (a client pipelining), the
    /// answer being written is the oldest's, whose body has ended: a later head came after it.
    private var unanswered = 0
    /// An error answer went out while the request was open: its body is dropped from here on.
    private var refused = false
    private var responseDone = false
    private var dropped = 0
    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if refused {
            // Dropped, a request pipelined after it too: the answer said the connection closes.
            switch part {
            case .head: break
            case .body(let bytes):
                dropped += bytes.readableBytes
                if dropped > Self.lingerBytes, responseDone { close(context) }
            case .end:
                requestOpen = false
                if responseDone { close(context) }
            }
            return
        }
        switch part {
        case .head:
            requestOpen = true
            unanswered += 1
        case .body: break
        case .end: requestOpen = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where requestOpen && unanswered == 1 && response.status.code >= 400:
            refused = true
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where refused:
            unanswered -= 1
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.write(data, promise: written)
            // Both run on the channel's event loop, where the handler and its context live.
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in
                let (handler, context) = bound.value
                handler.responseDone = true
                if !handler.requestOpen || handler.dropped > Self.lingerBytes {
                    handler.close(context)
                } else {
                    context.eventLoop.scheduleTask(in: Self.lingerTime) {
                        let (handler, context) = bound.value
                        handler.close(context)
                    }
                }
            }
        case .end:
            unanswered = max(0, unanswered - 1)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    private func close(_ context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        context.close(promise: nil)
    }
}
