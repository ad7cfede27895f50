import NIOCore
import NIOTLS

/// The one handler of a delivery connection: writes each ``HTTP1Exchange``'s request and
/// calls its completion when ``HTTP1ResponseReader`` has read the response.
///
/// One exchange at a time (no pipelining: a failure would leave later requests' fate unknown).
/// The deadline is enforced here, on the connection's event loop: a late response closes the
/// connection, since its bytes would otherwise be taken for the next request's answer.
///
/// One timer per connection, not one per exchange: scheduling and cancelling a timer for every
/// request costs allocations and a search of the loop's timer queue on each cancel. The timer
/// is armed for the current exchange's deadline and, when it fires early for a later exchange,
/// re-armed for that one's.
final class HTTP1ClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = HTTP1Exchange
    typealias OutboundOut = ByteBuffer

    private struct Current {
        var completion: @Sendable (Result<HTTP1Response, any Error>) -> Void
        /// Which exchange on this connection (from 1), to tell a late callback's exchange from the current one.
        var number: UInt64
        var reader: HTTP1ResponseReader
        var deadline: NIODeadline
    }

    private let snippetLimit: Int
    private var current: Current?
    private var pending: ByteBuffer?
    private var exchanges: UInt64 = 0
    /// When the armed timer fires; nil when none is armed.
    private var timerDeadline: NIODeadline?
    private var timer: Scheduled<Void>?
    /// Completed when a TLS connection's handshake has finished (or failed): the connection is
    /// handed out only then, so a certificate error is reported as such.
    private var handshake: EventLoopPromise<Void>?
    /// When the connection was ready for a request: connected, and handshaken for TLS.
    private var readyAt: NIODeadline?

    init(snippetLimit: Int, handshake: EventLoopPromise<Void>? = nil) {
        self.snippetLimit = snippetLimit
        self.handshake = handshake
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { readyAt = context.eventLoop.now }
    }

    func channelActive(context: ChannelHandlerContext) {
        readyAt = context.eventLoop.now
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            readyAt = context.eventLoop.now
            handshake?.succeed()
            handshake = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard current == nil else {
            exchange.completion(.failure(HTTP1ExchangeFailure.busy))
            promise?.fail(HTTP1ExchangeFailure.busy)
            return
        }
        let now = context.eventLoop.now
        var left = exchange.timeout
        if let since = exchange.connectingSince, let readyAt { left = left - (readyAt - since) }
        guard left > .zero else {
            // The connecting took the whole attempt: nothing is sent that would be given up at once.
            promise?.succeed()
            exchange.completion(.failure(HTTP1ExchangeFailure.timeout))
            return
        }
        let deadline = now + left
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        exchanges += 1
        let number = exchanges
        current = Current(
            completion: exchange.completion, number: number, reader: HTTP1ResponseReader(snippetLimit: snippetLimit),
            deadline: deadline)
        // An armed timer that fires no later than this deadline will re-arm itself for it.
        if timerDeadline.map({ $0 > deadline }) ?? true { arm(context, for: deadline) }
        // The sender's promise means "the handler has the exchange": from here on every outcome
        // goes to the exchange's completion. A write can fail without the connection closing
        // afterwards: when it had closed already (the endpoint ended an idle keep-alive
        // connection, or refused a TLS 1.3 client certificate, just before the request), no
        // channelInactive follows, so the failed write itself must end the exchange, not its deadline.
        promise?.succeed()
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            let (handler, context) = loopBound.value
            guard handler.current?.number == number else { return }
            handler.finish(
                context: context, with: .failure(HTTP1ExchangeFailure.io(error, status: nil, receivedAny: false)))
        }
        context.write(wrapOutboundOut(exchange.request), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard current != nil else {
            // Bytes nobody asked for: the stream can no longer be trusted to frame responses.
            context.close(promise: nil)
            return
        }
        if pending != nil {
            pending!.writeBuffer(&bytes)
            bytes = pending!
            pending = nil
        }
        // The reader is advanced where it is stored: a copy taken out and put back retained
        // everything the exchange holds and made the reader's arrays copy on their next append.
        let complete: Bool
        do {
            complete = try current!.reader.consume(&bytes)
        } catch {
            finish(context: context, with: .failure(HTTP1ExchangeFailure.malformed(Self.describe(error))))
            return
        }
        if complete, let response = current!.reader.response(reusable: bytes.readableBytes == 0) {
            finish(context: context, with: .success(response))
        } else if bytes.readableBytes > 0 {
            pending = bytes
        }
    }

    /// Arms the connection's timer for `deadline`, replacing one armed for later.
    private func arm(_ context: ChannelHandlerContext, for deadline: NIODeadline) {
        timer?.cancel()
        timerDeadline = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timerFired(context)
        }
    }

    private func timerFired(_ context: ChannelHandlerContext) {
        timer = nil
        timerDeadline = nil
        guard let exchange = current else { return }
        if exchange.deadline <= context.eventLoop.now {
            finish(context: context, with: .failure(HTTP1ExchangeFailure.timeout))
        } else {
            arm(context, for: exchange.deadline)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake?.fail(ChannelError.eof)
        handshake = nil
        if var exchange = current {
            if exchange.reader.endOfStream(), let response = exchange.reader.response(reusable: false) {
                finish(context: context, with: .success(response))
            } else {
                finish(
                    context: context,
                    with: .failure(
                        HTTP1ExchangeFailure.closed(
                            status: exchange.reader.head?.status, receivedAny: exchange.reader.receivedAny)))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handshake?.fail(error)
        handshake = nil
        if let exchange = current {
            finish(
                context: context,
                with: .failure(
                    HTTP1ExchangeFailure.io(
                        error, status: exchange.reader.head?.status, receivedAny: exchange.reader.receivedAny)))
        }
        context.close(promise: nil)
    }

    /// Completes the current exchange once; a failure closes the connection.
    private func finish(context: ChannelHandlerContext, with result: Result<HTTP1Response, any Error>) {
        guard let exchange = current else { return }
        current = nil
        pending = nil
        switch result {
        case .success(let response):
            if !response.keepAlive { context.close(promise: nil) }
            exchange.completion(.success(response))
        case .failure(let error):
            context.close(promise: nil)
            exchange.completion(.failure(error))
        }
    }

    private static func describe(_ error: HTTP1ResponseReader.Failure) -> String {
        switch error {
        case .malformed(let reason): reason
        }
    }
}
