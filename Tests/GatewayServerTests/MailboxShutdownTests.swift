import EmailAdapter
import Foundation
import GatewayServer
import GatewayTestSupport
import Glibc
import Testing

/// A mail server that took the connection and went quiet must not hold up a stop: the request in
/// progress is ended, not waited out (libcurl's timeout is 30 s, and a poll pays it twice).
@Suite("Mailbox polling and shutdown")
struct MailboxShutdownTests {
    /// A TCP port on 127.0.0.1 whose connections the kernel completes (the listen backlog) and no
    /// one ever answers: no IMAP greeting, no error.
    final class SilentServer: Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    @Test("cancel ends a request to a silent server within seconds, as a CancellationError")
    func cancelEndsARequest() async throws {
        let server = try SilentServer()
        let session = try IMAPSession(
            IMAPMailbox(
                name: "quiet", serverURL: "imap://127.0.0.1:\(server.port)/", folder: "INBOX", user: "u", password: "p",
                security: .none),
            timeoutSeconds: 60)
        // On a thread of its own, as the poller runs it: the blocking call must hold neither one of
        // the test pool's few threads nor one of Dispatch's shared ones, which the suite needs.
        let finished = AsyncStream<(any Error)?>.makeStream()
        Thread {
            do {
                try session.identify()
                finished.continuation.yield(nil)
            } catch {
                finished.continuation.yield(error)
            }
            finished.continuation.finish()
        }.start()
        try await Task.sleep(for: .milliseconds(500))
        let cancelled = ContinuousClock.now
        session.cancel()
        var results = finished.stream.makeAsyncIterator()
        let error = await results.next() ?? nil
        #expect(error is CancellationError, "\(String(describing: error))")
        // libcurl looks at the flag about once a second; the timeout is 60 s. The margin is for a
        // loaded machine, where the callback itself can wait for a thread for many seconds.
        #expect(ContinuousClock.now - cancelled < .seconds(45))
    }

    @Test("a gateway polling a silent mail server stops at once, not after the IMAP timeout")
    func stopDoesNotWaitForTheServer() async throws {
        let server = try SilentServer()
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(
            downstream: downstream.baseURL,
            environment: [
                "IMAP_URL": "imap://127.0.0.1:\(server.port)/INBOX", "IMAP_USER": "u", "IMAP_PASSWORD": "p",
                "IMAP_POLL_SECONDS": "1", "IMAP_STALL_TIMEOUT_S": "300",
            ])
        // The poll is connected and waiting for a greeting that never comes.
        try await Task.sleep(for: .seconds(2))
        let stopping = ContinuousClock.now
        try await gateway.stop()
        // Before, the stop waited out the timeout (57 s measured with one of 30 s); here that is
        // 300 s. Alone it takes well under a second; with the suite and two busy loops on two
        // cores, 20 s was once seen.
        #expect(ContinuousClock.now - stopping < .seconds(120))
        await downstream.stop()
    }

    @Test("a mail server that goes quiet is given up after the mailbox's stall_timeout_s, not the default 30 s")
    func stallTimeout() async throws {
        let server = try SilentServer()
        let downstream = try await DownstreamServer.start()
        // A name of its own: the metrics registry is the whole test run's.
        let name = "stalled-\(UUID().uuidString.prefix(8))"
        let beforeStart = ContinuousClock.now
        let gateway = try await RunningGateway.start(
            downstream: downstream.baseURL,
            environment: [
                "IMAP_URL": "imap://127.0.0.1:\(server.port)/INBOX", "IMAP_USER": "u", "IMAP_PASSWORD": "p",
                "IMAP_POLL_SECONDS": "3600", "IMAP_STALL_TIMEOUT_S": "5",
            ]
        ) { $0.email.mailboxes[0].mailbox.name = name }
        let afterStart = ContinuousClock.now
        let series = "cg_imap_poll_failures_total{mailbox=\"\(name)\"} "
        try await eventually(timeout: .seconds(60), "the poll given up") {
            let metrics = String(
                decoding: try await gateway.request(.get, "/metrics", token: nil).body, as: UTF8.self)
            return metrics.split(separator: "\n").contains { $0.hasPrefix(series) && !$0.hasSuffix(" 0") }
        }
        #expect(ContinuousClock.now - beforeStart >= .seconds(5))
        #expect(ContinuousClock.now - afterStart < .seconds(25))
        try await gateway.stop()
        await downstream.stop()
    }
}
