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
///
/// Only the client's time counts. When the route reads the body slower than it comes (a busy
/// machine, a store that is writing), the pipeline stops asking the socket for more, and the
/// bytes the client has sent wait in the kernel, uncounted. From a read batch's end to the next
/// `read()` coming down the pipeline is the gateway's own delay: the deadline moves by that much.
/// And NIO reads a socket a few buffers per event-loop tick, the buffers shrinking to a few
/// hundred bytes for a body that comes in small pieces: after a stall of the loop itself, what the
/// client sent in time can still be waiting in the kernel when the deadline is checked. A body past
/// its deadline is looked at again for as long as what each read earns more time than passed; a
/// trickler earns less. Each look waits for a read from the socket in between: a loop busy with
/// other work runs every timer due before it reads again (a 1 ms look can come twice in a row with
/// nothing read between), so without a read in between nothing is judged, for up to ``patience``:
/// a client that sends nothing at all is closed that much later.
final class SlowBodyCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let grace: TimeAmount
    private let bytesPerSecond: Int
    private let logger: Logger
    /// When the open request's head arrived; nil between requests.
    private var started: NIODeadline?
    private var received = 0
    /// The gateway's own delay in the open request: time it did not ask the socket for more.
    private var held = TimeAmount.zero
    /// Since when the gateway has not asked for more, if it has not.
    private var heldSince: NIODeadline?
    /// How far past its deadline the body was at the last check, when it was.
    private var shortfall: TimeAmount?
    /// When the body was first found past its deadline, while it is.
    private var pastDeadlineSince: NIODeadline?
    /// Whether the socket was read since the last check found the body past its deadline.
    private var readSinceCheck = false
    /// How long a body past its deadline waits for the socket to be read before it is judged
    /// without it.
    static let patience = TimeAmount.seconds(2)
    private var check: Scheduled<Void>?

    init(grace: TimeAmount, bytesPerSecond: Int, logger: Logger) {
        self.grace = grace
        self.bytesPerSecond = bytesPerSecond
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let now = context.eventLoop.now
            started = now
            received = 0
            held = .zero
            shortfall = nil
            pastDeadlineSince = nil
            schedule(context, at: now + grace)
        case .body(let bytes):
            received += bytes.readableBytes
        case .end:
            stop()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The socket is not read again until someone asks; with a body open, waiting starts now.
        if started != nil, heldSince == nil { heldSince = context.eventLoop.now }
        readSinceCheck = true
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if let since = heldSince {
            held = held + (context.eventLoop.now - since)
            heldSince = nil
        }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    /// The time by which the body must have ended, given what has arrived so far and how long
    /// the gateway kept it waiting.
    private func deadline(from start: NIODeadline, now: NIODeadline) -> NIODeadline {
        let waiting = heldSince.map { now - $0 } ?? .zero
        return start + grace + held + waiting
            + .nanoseconds(Int64(Double(received) / Double(bytesPerSecond) * 1e9))
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
        let now = context.eventLoop.now
        let allowed = deadline(from: started, now: now)
        if allowed > now {
            shortfall = nil
            pastDeadlineSince = nil
            schedule(context, at: allowed)
            return
        }
        let since = pastDeadlineSince ?? now
        pastDeadlineSince = since
        if shortfall != nil, !readSinceCheck, now - since < Self.patience {
            schedule(context, at: now + .milliseconds(10))
            return
        }
        if shortfall.map({ now - allowed < $0 }) ?? true {
            shortfall = now - allowed
            readSinceCheck = false
            schedule(context, at: now + .milliseconds(1))
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
        heldSince = nil
    }
}
