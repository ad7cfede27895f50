import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import GatewayServer

/// The body deadline on the event loop's clock, advanced by hand: 2 s of grace, and one more
/// second for every 100 bytes received.
@Suite("A slow body: only the client's own time counts")
struct SlowBodyCloserTests {
    static func connectedChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            SlowBodyCloser(grace: .seconds(2), bytesPerSecond: 100, logger: Logger(label: "test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    static let head = HTTPRequestPart.head(
        HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/sms/generic"))

    static func body(_ count: Int) -> HTTPRequestPart { .body(ByteBuffer(repeating: 0x7B, count: count)) }

    @Test("a body that stops coming is closed when its bytes have earned no more time and nothing more is read")
    func aStalledClientIsClosed() throws {
        let channel = try Self.connectedChannel()
        try channel.writeInbound(Self.head)
        channel.read()
        try channel.writeInbound(Self.body(100))
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_900))
        #expect(channel.isActive)
        // Past the deadline (3 s), the socket has its patience to be read.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: SlowBodyCloser.patience)
        #expect(!channel.isActive)
    }

    @Test("looks again with no read from the socket between them judge nothing (a loop busy with other work)")
    func looksWithoutAReadBetweenJudgeNothing() throws {
        let channel = try Self.connectedChannel()
        try channel.writeInbound(Self.head)
        channel.read()
        // The loop runs the deadline's timer and its next looks before it reads the socket again.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_050))
        #expect(channel.isActive)
        // Then it reads what the client sent meanwhile: 100 bytes, a second more.
        try channel.writeInbound(Self.body(100))
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
        #expect(channel.isActive)
        // Nothing more comes: closed once the patience after the new deadline has passed.
        channel.embeddedEventLoop.advanceTime(by: SlowBodyCloser.patience + .milliseconds(100))
        #expect(!channel.isActive)
    }

    @Test("a body that keeps coming at the rate is never closed, and one that ends is no longer watched")
    func aClientAtTheRateIsServed() throws {
        let channel = try Self.connectedChannel()
        try channel.writeInbound(Self.head)
        for _ in 0..<20 {
            channel.read()
            try channel.writeInbound(Self.body(100))
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            #expect(channel.isActive)
        }
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("while the gateway does not ask the socket for more, the client's clock stops")
    func theGatewaysOwnDelayIsNotTheClients() throws {
        let channel = try Self.connectedChannel()
        try channel.writeInbound(Self.head)
        // The route is busy and asks for nothing for 30 s: what the client sends waits in the kernel.
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive)
        channel.read()
        // From the ask on, the client has its 2 s of grace, not a second more.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_900))
        #expect(channel.isActive)
        try channel.writeInbound(Self.body(50))
        channel.read()
        // 50 bytes earned half a second.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200) + SlowBodyCloser.patience)
        #expect(!channel.isActive)
    }

    @Test("bytes still waiting in the kernel at the deadline are read on the next tick and counted")
    func bytesReadJustAfterTheDeadlineCount() throws {
        let channel = try Self.connectedChannel()
        try channel.writeInbound(Self.head)
        channel.read()
        // The loop was stalled: at the deadline nothing has been read yet.
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(channel.isActive)
        // The next tick reads a little of what waits (a few small buffers), then looks again.
        try channel.writeInbound(Self.body(50))
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(channel.isActive)
        try channel.writeInbound(Self.body(300))
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(channel.isActive)
        // 350 bytes earned 3.5 s: the deadline is 5.5 s from the head, ahead again.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(3_400))
        #expect(channel.isActive)
        // A trickle past the deadline: what a read brings earns less time than passed. Closed.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(channel.isActive)
        try channel.writeInbound(Self.body(1))
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(20))
        #expect(!channel.isActive)
    }
}
