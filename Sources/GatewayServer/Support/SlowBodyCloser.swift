import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body arrives slower than a minimum rate.
///
/// The read timeout (`idle_timeout_s`) only bounds the gap between two pieces of body, so a client
/// sending one byte just inside it holds its connection for as long as it likes; the SMS webhooks
/// read their whole body before the signature can be checked, so anyone can, and
/// `max_connections` such clients lock every provider out. As Apache's `mod_reqtimeout` does,
/// a body has `body_timeout_s` from its head, extended by one second for every `body_min_rate`
/// bytes received: a client at that rate or faster never meets the deadline (a 1 GiB call log
/// included), a trickler does. The connection is closed without an answer: no route has the body.
final class SlowBodyCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let grace: TimeAmount
    private let bytesPerSecond: Int
    private let logger: Logger
    /// When the open request's head arrived; nil between requests.
    private var started: NIODeadline?
    private var received = 0
    private var check: Scheduled<Void>?

    init(grace: TimeAmount, bytesPerSecond: Int, logger: Logger) {
        self.grace = grace
        self.bytesPerSecond = bytesPerSecond
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let now = NIODeadline.now()
            started = now
            received = 0
            schedule(context, at: now + grace)
        case .body(let bytes):
            received += bytes.readableBytes
        case .end:
            stop()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    /// The time by which the body must have ended, given what has arrived so far.
    private func deadline(from start: NIODeadline) -> NIODeadline {
        start + grace + .nanoseconds(Int64(Double(received) / Double(bytesPerSecond) * 1e9))
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        check?.cancel()
        // Both run on the channel's event loop, where the handler and its context live.
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.expire(context)
        }
    }

    private func expire(_ context: ChannelHandlerContext) {
        guard let started else { return }
        let allowed = deadline(from: started)
        if allowed > .now() {
            schedule(context, at: allowed)
            return
        }
        self.started = nil
        check = nil
        Counter(label: "cg_http_slow_bodies_closed_total").increment()
        logger.warning(
            "closed a connection whose request body came too slowly",
            metadata: [
                "cg.peer": "\(context.remoteAddress?.description ?? "unknown")",
                "cg.body_bytes": "\(received)",
            ])
        context.close(promise: nil)
    }

    private func stop() {
        check?.cancel()
        check = nil
        started = nil
    }
}
