import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import ComplaintDispatch

/// The connection handler on its own, on an embedded channel.
@Suite struct HTTP1ClientHandlerTests {
    /// Fails every write, as a TLS handler does once the endpoint has closed the session (a
    /// TLS 1.3 server refusing the client certificate) while the channel is not closed yet.
    private final class RefusingWrites: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        struct Refused: Error {}
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            promise?.fail(Refused())
        }
    }

    @Test func aFailedWriteEndsTheExchangeAtOnceNotAtItsDeadline() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RefusingWrites())
        try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: 64))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let outcome = send(on: channel, dueIn: .seconds(3600))
        channel.embeddedEventLoop.run()
        guard
            case .failure(let error) = try #require(
                outcome.value.withLock { $0 }, "the exchange is still waiting for its deadline")
        else {
            Issue.record("expected a failure")
            return
        }
        let failure = try #require(error as? HTTP1ExchangeFailure)
        // Nothing was received: a reused connection gets the request once more on a fresh one.
        #expect(failure.nothingReceived)
        #expect(!channel.isActive)
    }

    @Test func aResponseStillCompletesTheExchange() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: 64))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let outcome = send(on: channel, dueIn: .seconds(3600))
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
        guard case .success(let answer) = try #require(outcome.value.withLock { $0 }) else {
            Issue.record("expected the response")
            return
        }
        #expect(answer.status == 200)
        #expect(answer.snippet == Array("ok".utf8))
        #expect(channel.isActive)
    }

    private final class Outcome: Sendable {
        let value = Mutex<Result<HTTP1Response, any Error>?>(nil)
        var status: Int? { value.withLock { $0.flatMap { try? $0.get().status } } }
        var settled: Bool { value.withLock { $0 != nil } }
    }

    /// Sends one exchange due `after` from the loop's present time (less the connecting, when
    /// `connectingSince` is given); returns its outcome so far.
    private func send(
        on channel: EmbeddedChannel, dueIn after: TimeAmount, connectingSince: NIODeadline? = nil
    ) -> Outcome {
        let outcome = Outcome()
        channel.writeAndFlush(
            HTTP1Exchange(
                request: ByteBuffer(string: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"),
                timeout: after, connectingSince: connectingSince,
                completion: { result in outcome.value.withLock { $0 = result } }), promise: nil)
        return outcome
    }

    private func isTimeout(_ outcome: Outcome) -> Bool {
        guard case .failure(let error) = outcome.value.withLock({ $0 }),
            case .timeout = error as? HTTP1ExchangeFailure
        else { return false }
        return true
    }

    /// A process short of threads may write the first request long after its connection was
    /// ready. The attempt is charged for the connecting, not for that wait: had the clock run
    /// from the start, the request would be sent already late and given up at once, and the
    /// endpoint would get it a second time on the retry.
    @Test func aFirstRequestWrittenLateIsChargedForTheConnectingOnly() throws {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: 64))
        let connectingSince = loop.now
        loop.advanceTime(by: .seconds(2))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        loop.advanceTime(by: .seconds(10))
        let outcome = send(on: channel, dueIn: .seconds(5), connectingSince: connectingSince)
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil)
        loop.advanceTime(by: .milliseconds(2900))
        #expect(!outcome.settled, "the wait after connecting was charged to the attempt")
        loop.advanceTime(by: .milliseconds(200))
        #expect(isTimeout(outcome), "the connecting's 2 s were not charged to the attempt")
    }

    /// Connecting that took the whole attempt leaves no time for an answer: the request is not
    /// sent at all, so a retry is the endpoint's first sight of it.
    @Test func aConnectionReadyAfterTheWholeAttemptIsNotWrittenTo() throws {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: 64))
        let connectingSince = loop.now
        loop.advanceTime(by: .seconds(6))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let outcome = send(on: channel, dueIn: .seconds(5), connectingSince: connectingSince)
        #expect(isTimeout(outcome))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    private func connected() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: 64))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    private let ok = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    /// A connection that has carried one exchange, due in `dueIn`, answered at once.
    private func connectionAfterOneExchange(dueIn: TimeAmount) throws -> EmbeddedChannel {
        let channel = try connected()
        let first = send(on: channel, dueIn: dueIn)
        try channel.writeInbound(ok)
        #expect(first.status == 200)
        return channel
    }

    /// The connection's timer was armed for the first exchange's (earlier) deadline: when it
    /// fires, the second exchange, due later, is still waiting and must not fail.
    @Test func aLaterDeadlineOnAReusedConnectionIsNotCutShort() throws {
        let channel = try connectionAfterOneExchange(dueIn: .seconds(1))
        let second = send(on: channel, dueIn: .seconds(5))
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!second.settled, "failed at the first exchange's deadline")
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        try channel.writeInbound(ok)
        #expect(second.status == 200)
        // Past the second deadline with nothing outstanding: the connection stays open.
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
    }

    /// The timer was armed for a later deadline: an exchange due earlier still times out on time.
    @Test func anEarlierDeadlineOnAReusedConnectionTimesOutOnTime() throws {
        let channel = try connectionAfterOneExchange(dueIn: .seconds(60))
        let second = send(on: channel, dueIn: .seconds(1))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
        #expect(!second.settled)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        guard case .failure(let error) = try #require(second.value.withLock { $0 }, "no timeout at the deadline") else {
            Issue.record("expected a timeout")
            return
        }
        guard case .timeout = try #require(error as? HTTP1ExchangeFailure) else {
            Issue.record("expected a timeout, got \(error)")
            return
        }
        // A late answer could be taken for the next request's: the connection is closed.
        #expect(!channel.isActive)
    }
}
