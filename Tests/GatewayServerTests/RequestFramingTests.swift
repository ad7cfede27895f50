import Foundation
import GatewayTestSupport
import Testing

/// Requests whose framing two HTTP parsers could read differently (the raw material of request
/// smuggling behind a reverse proxy) are refused with 400 and the connection is closed, so no
/// second request can hide in the first one's body.
@Suite("Ambiguous request framing is refused")
struct RequestFramingTests {
    static let cases: [String: String] = [
        "Content-Length and Transfer-Encoding together":
            "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/quarantine HTTP/1.1\r\nHost: x\r\n\r\n",
        "two different Content-Lengths": "Content-Length: 4\r\nContent-Length: 40\r\n\r\n{}{}",
        "a Transfer-Encoding other than chunked": "Transfer-Encoding: gzip\r\n\r\n{}",
        "chunked twice": "Transfer-Encoding: chunked, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "a space before the colon": "Content-Length : 2\r\n\r\n{}",
        "a negative Content-Length": "Content-Length: -1\r\n\r\n{}",
        "two equal Content-Lengths": "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        "a folded header line": "X-Note: a\r\n b\r\nContent-Length: 2\r\n\r\n{}",
        "a NUL in a header": "X-Note: a\u{0}b\r\nContent-Length: 2\r\n\r\n{}",
        "two Host fields": "Host: internal.example\r\nContent-Length: 2\r\n\r\n{}",
    ]

    @Test("refused with 400 and closed", arguments: cases.keys.sorted())
    func refused(_ name: String) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port)
        await connection.send(
            "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                + "Content-Type: application/json\r\n" + Self.cases[name]!)
        let (bytes, closed) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(RawConnection.status(of: bytes) == 400, "\(name): \(text.prefix(120))")
        #expect(closed, "\(name)")
        #expect(text.components(separatedBy: "HTTP/1.1 ").count == 2, "\(name): more than one response")
        // In the gateway's shape, with the headers every response carries.
        #expect(text.contains(#""code":"malformed_request""#), "\(name): \(text.prefix(300))")
        #expect(text.lowercased().contains("x-content-type-options: nosniff"), "\(name)")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an HTTP/1.1 request without Host is refused with 400 after the request before it; HTTP/1.0 may omit it")
    func missingHost() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let body = #"{"text":"路灯不亮"}"#
        let post = { (version: String, host: String) in
            "POST /v1/complaints HTTP/\(version)\r\n\(host)Authorization: Bearer \(RunningGateway.token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        // Pipelined behind a good request: that one is answered first, then the refusal, then the close.
        let connection = try RawConnection(port: gateway.port)
        await connection.send(post("1.1", "Host: 127.0.0.1\r\n") + post("1.1", ""))
        let (bytes, closed) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        // Each answer's status line; the second follows the first one's body on the same line.
        let statusLines = text.components(separatedBy: "\r\n").compactMap { line in
            line.range(of: "HTTP/1.1 ").map { String(line[$0.upperBound...].prefix(3)) }
        }.filter { $0.allSatisfy(\.isNumber) }
        #expect(statusLines == ["201", "400"], "\(text.prefix(600))")
        #expect(text.contains("an HTTP/1.1 request must have a Host header field"))
        #expect(closed)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "1")

        // HTTP/1.0 needs no Host. Its connection closes after the answer unless it asked to keep it,
        // and then the answer says it stays open (the client's only way to know).
        let older = try RawConnection(port: gateway.port, receiveTimeout: 5)
        await older.send(post("1.0", ""))
        let (reply, closedAfter) = await older.readUntilClosed()
        #expect(RawConnection.status(of: reply) == 201, "\(String(decoding: reply.prefix(200), as: UTF8.self))")
        #expect(closedAfter, "an HTTP/1.0 connection was kept open")
        // Read until both answers are in (each a durable commit: slow on a loaded machine), then
        // the connection must still be open.
        let keptAlive = try RawConnection(port: gateway.port, receiveTimeout: 30)
        await keptAlive.send(post("1.0", "Connection: Keep-Alive\r\n") + post("1.0", "Connection: keep-alive\r\n"))
        var replies: [UInt8] = []
        while String(decoding: replies, as: UTF8.self).components(separatedBy: "HTTP/1.1 201").count < 3 {
            let more = await keptAlive.readOnce()
            if more.isEmpty { break }
            replies += more
        }
        let repliesText = String(decoding: replies, as: UTF8.self)
        #expect(repliesText.components(separatedBy: "HTTP/1.1 201").count == 3, "\(repliesText.prefix(600))")
        #expect(repliesText.lowercased().components(separatedBy: "connection: keep-alive").count == 3)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!keptAlive.isClosedByPeer)
        try await gateway.stop()
        await downstream.stop()
    }

    /// `gzip, chunked` is framed as chunked, so nothing can hide in it; but its body would be
    /// compressed, which the gateway does not read.
    @Test("a transfer coding besides chunked is refused with 400 and nothing is stored")
    func codingBesidesChunked() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port)
        await connection.send(
            "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n"
                + "d\r\n{\"text\":\"x\"}\r\n0\r\n\r\n")
        let (bytes, _) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(RawConnection.status(of: bytes) == 400, "\(text.prefix(200))")
        #expect(text.contains("malformed_request"))
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("two Content-Type lines are refused with 400, whichever comes first")
    func twoContentTypes() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for types in [("application/json", "text/plain"), ("text/plain", "application/json")] {
            let connection = try RawConnection(port: gateway.port)
            await connection.send(
                "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                    + "Content-Type: \(types.0)\r\nContent-Type: \(types.1)\r\nContent-Length: 12\r\n"
                    + "Connection: close\r\n\r\n{\"text\":\"x\"}")
            let (bytes, _) = await connection.readUntilClosed()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(RawConnection.status(of: bytes) == 400, "\(types): \(text.prefix(200))")
            #expect(text.contains("more than once"))
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    /// Pipelined: the good request before the bad one is answered first, then the refusal.
    @Test(
        "a bad request after a good one on the same connection: the good one's answer, then the 400",
        arguments: ["Content-Length: 1\r\nContent-Length: 2\r\n", "Host: 127.0.0.2\r\n"])
    func pipelinedRefusalComesInOrder(badFields: String) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port)
        await connection.send(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\(badFields)\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let (bytes, closed) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(RawConnection.status(of: bytes) == 200, "\(text.prefix(200))")
        let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
        #expect(answers.map { $0.prefix(3) } == ["200", "400"], "\(text)")
        #expect(text.contains(#""code":"malformed_request""#))
        #expect(closed)
        try await gateway.stop()
        await downstream.stop()
    }

    /// HEAD answers as GET without the body; the next response on the connection must still be
    /// read right, so the framing is checked on the wire.
    @Test("HEAD answers like GET without a body, framed so the next response reads right; never on SMS routes")
    func headAnswersLikeGet() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let page = try await gateway.request(.get, "/", token: nil)
        let connection = try RawConnection(port: gateway.port)
        await connection.send(
            "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let (bytes, _) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
        #expect(answers.map { $0.prefix(3) } == ["200", "200"], "\(text)")
        let first = answers.first ?? ""
        #expect(first.lowercased().contains("content-length: \(page.body.count)\r\n"), "\(first)")
        #expect(first.hasSuffix("\r\n\r\n"), "the HEAD answer carries no body: \(first)")
        #expect(text.contains("text/html"))
        #expect(try await gateway.request(.head, "/healthz", token: nil).status == 200)
        #expect(try await gateway.request(.head, "/v1/complaints", token: nil).status == 401)
        let sms = try await gateway.request(.head, "/v1/sms/twilio?From=%2B8613800000000&Body=x", token: nil)
        #expect(sms.status == 405)
        #expect(try await gateway.request(.get, "/v1/complaints?limit=5").status == 200)
        try await gateway.stop()
        await downstream.stop()
    }
}
