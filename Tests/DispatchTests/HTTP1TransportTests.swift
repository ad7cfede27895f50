import Foundation
import GatewayTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import ComplaintDispatch

@Suite struct HTTP1TransportTests {
    /// Loops of this suite's own, so that other suites' work on the shared ones cannot delay these
    /// exchanges; generous timeouts for a loaded machine (only the timeout test relies on one).
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private let patience: TimeInterval = 60

    private func transport(
        tls: TLSConfiguration = .makeClientConfiguration(), maxIdleTime: Duration = .seconds(50)
    ) -> HTTP1Transport {
        HTTP1Transport(tlsConfiguration: tls, maxIdleTime: maxIdleTime, group: Self.loops)
    }

    private let headers = [
        HeaderField(name: "Content-Type", value: "application/json"),
        HeaderField(name: "Idempotency-Key", value: "01JCOMPLAINT"),
    ]

    struct UnexpectedResult: Error, CustomStringConvertible {
        var description: String
    }

    /// Fails the test (by throwing) unless `result` is a response with this status and snippet.
    private func expect(
        _ result: TransportResult, status: Int, snippet: String
    ) throws(UnexpectedResult) {
        guard case .response(status, _, snippet) = result else {
            throw UnexpectedResult(description: "expected HTTP \(status) \"\(snippet)\", got \(result)")
        }
    }

    private func body(_ text: String = #"{"text":"路灯不亮"}"#) -> Data { Data(text.utf8) }

    /// The transport's two ways in: the awaited `post`, and the dispatcher's `start` (whose
    /// exchange on a kept-alive connection runs on the event loop, no task of its own).
    enum Entry: String, CaseIterable, CustomTestStringConvertible {
        case post, start
        var testDescription: String { rawValue }
    }

    private func send(_ transport: HTTP1Transport, _ url: String, via entry: Entry) async -> TransportResult {
        switch entry {
        case .post:
            return await transport.post(url: url, headers: headers, body: body(), timeout: patience)
        case .start:
            return await withCheckedContinuation { continuation in
                transport.start(url: url, headers: headers, body: body(), timeout: patience) {
                    continuation.resume(returning: $0)
                }
            }
        }
    }

    @Test(arguments: Entry.allCases) func writesTheWholeRequestAndReusesTheConnection(via entry: Entry) async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops)
        let transport = transport()
        for _ in 0..<3 {
            let result = await send(transport, "http://127.0.0.1:\(server.port)/urban?x=1", via: entry)
            // A 2xx's headers are not kept (nothing reads them).
            #expect(result == .response(status: 200, headers: [], snippet: "ok"))
        }
        #expect(server.connections == 1)
        let sent = try #require(server.received.first)
        let bodyLength = body().count
        #expect(
            sent.bytes
                == Array(
                    ("POST /urban?x=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nContent-Length: \(bodyLength)\r\n"
                        + "Content-Type: application/json\r\nIdempotency-Key: 01JCOMPLAINT\r\n\r\n").utf8)
                + Array(body()))
        try await transport.shutdown()
        await server.stop()
    }

    @Test(arguments: Entry.allCases)
    func aKeepAliveConnectionTheEndpointClosedIsRetriedOnAFreshOne(via entry: Entry) async throws {
        // The first connection answers once, then closes when the next request arrives: what a
        // server whose keep-alive timeout just expired does.
        let server = try await ScriptedHTTPServer(group: Self.loops) { connection, request in
            connection == 0 && request == 1 ? .close : .send(ScriptedHTTPServer.ok)
        }
        let transport = transport()
        let url = "http://127.0.0.1:\(server.port)/d"
        for _ in 0..<2 {
            try expect(await send(transport, url, via: entry), status: 200, snippet: "ok")
        }
        #expect(server.connections == 2)
        #expect(server.received.count == 3)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func aConnectionIdleTooLongIsClosedNotReused() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops)
        let transport = transport(maxIdleTime: .milliseconds(100))
        let url = "http://127.0.0.1:\(server.port)/d"
        for pause in [Duration.zero, .milliseconds(500)] {
            try await Task.sleep(for: pause)
            try expect(
                await transport.post(url: url, headers: headers, body: body(), timeout: patience), status: 200,
                snippet: "ok")
        }
        // The second request came after the first connection had been idle too long.
        // (Reuse within the idle time: `writesTheWholeRequestAndReusesTheConnection`.)
        #expect(server.connections == 2)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func aResponseCutShortIsNotRetriedAndNamesTheStatus() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops) { _, _ in
            .sendAndClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        }
        let transport = transport()
        let result = await transport.post(
            url: "http://127.0.0.1:\(server.port)/d", headers: headers, body: body(), timeout: patience)
        #expect(result == .failed("connection lost mid-response after HTTP 200: connection closed by the endpoint"))
        #expect(server.received.count == 1)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func connectionCloseAndChunkedResponses() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops) { connection, request in
            connection == 0 && request == 0
                ? .send(
                    "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nbusy\r\n0\r\nT: 1\r\n\r\n"
                )
                : .sendAndClose("HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        }
        let transport = transport()
        let url = "http://127.0.0.1:\(server.port)/d"
        let busy = await transport.post(url: url, headers: headers, body: body(), timeout: patience)
        #expect(
            busy
                == .response(
                    status: 503,
                    headers: [
                        HeaderField(name: "Retry-After", value: "7"),
                        HeaderField(name: "Transfer-Encoding", value: "chunked"),
                    ], snippet: "busy"))
        for _ in 0..<2 {
            try expect(
                await transport.post(url: url, headers: headers, body: body(), timeout: patience), status: 201,
                snippet: "")
        }
        // The chunked response left the connection reusable; `Connection: close` did not.
        #expect(server.connections == 2)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func noResponseInTimeIsATimeout() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops) { _, _ in .hang }
        let transport = transport()
        let started = ContinuousClock.now
        let result = await transport.post(
            url: "http://127.0.0.1:\(server.port)/d", headers: headers, body: body(), timeout: 0.3)
        #expect(result == .failed("timeout: no complete response in time"))
        // The server never answers: ending at all is the point, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(60))
        try await transport.shutdown()
        await server.stop()
    }

    @Test func garbageIsAnInvalidResponse() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops) { _, _ in .send("SMTP ready\r\n\r\n") }
        let transport = transport()
        let result = await transport.post(
            url: "http://127.0.0.1:\(server.port)/d", headers: headers, body: body(), timeout: patience)
        guard case .failed(let reason) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(reason.hasPrefix("invalid HTTP response: not an HTTP/1.x status line"))
        try await transport.shutdown()
        await server.stop()
    }

    @Test func refusedConnectionAndBadRequestsFailWithoutSending() async throws {
        let closed = try ClosedPort()
        defer { closed.close() }
        let transport = transport()
        for entry in Entry.allCases {
            #expect(
                await send(transport, "http://127.0.0.1:\(closed.port)/d", via: entry) == .failed("connection refused"))
        }
        #expect(
            await transport.post(
                url: "http://127.0.0.1:\(closed.port)/d", headers: [HeaderField(name: "X-Evil", value: "a\r\nHost: b")],
                body: body(), timeout: patience) == .failed("invalid value for header X-Evil"))
        #expect(
            await transport.post(url: "ftp://127.0.0.1/d", headers: headers, body: body(), timeout: patience)
                == .failed("unsupported URL scheme ftp"))
        try await transport.shutdown()
    }

    @Test func httpsVerifiesTheCertificateAndTheName() async throws {
        let certificate = try #require(try NIOSSLCertificate.fromPEMFile(try TestCA.file("localhost-cert.pem")).first)
        let key = try NIOSSLPrivateKey(file: try TestCA.file("localhost-key.pem"), format: .pem)
        let serverContext = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
        let server = try await ScriptedHTTPServer(group: Self.loops, tls: serverContext)
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates([certificate])
        let transport = transport(tls: trusting)
        for host in ["localhost", "127.0.0.1"] {
            let result = await transport.post(
                url: "https://\(host):\(server.port)/d", headers: headers, body: body(), timeout: patience)
            guard case .response(200, _, "ok") = result else {
                Issue.record("expected 200 over TLS to \(host), got \(result)")
                return
            }
        }
        let sent = try #require(server.received.first)
        #expect(sent.text.contains("Host: localhost:\(server.port)\r\n"))
        try await transport.shutdown()

        // The system's trust roots do not know this certificate: nothing is sent.
        let strict = self.transport()
        let refused = await strict.post(
            url: "https://localhost:\(server.port)/d", headers: headers, body: body(), timeout: patience)
        guard case .failed(let reason) = refused else {
            Issue.record("expected a TLS failure, got \(refused)")
            return
        }
        #expect(reason.hasPrefix("TLS: "), "\(reason)")
        #expect(server.received.count == 2)
        try await strict.shutdown()
        await server.stop()
    }
}
