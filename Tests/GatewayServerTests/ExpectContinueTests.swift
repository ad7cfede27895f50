import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// Clients that announce their body with `Expect: 100-continue` wait for the server's go-ahead
/// (or a timeout of up to a second) before sending it.
@Suite struct ExpectContinueTests {
    private let body = #"{"text":"路灯不亮，已经三天了"}"#

    private func head(_ expect: String?) -> String {
        "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + (expect.map { "Expect: \($0)\r\n" } ?? "") + "Connection: close\r\n\r\n"
    }

    @Test func theBodyIsAskedForAtOnceAndTheComplaintTaken() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for expectation in ["100-continue", "100-Continue"] {
            // Generous: the suite runs many gateways at once; the go-ahead itself needs no commit.
            let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
            await connection.send(head(expectation))
            // Nothing of the body is sent yet: only the go-ahead can come back.
            let interim = String(decoding: await connection.readOnce(), as: UTF8.self)
            #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n", "\(expectation)")
            await connection.send(body)
            let (bytes, _) = await connection.readUntilClosed()
            #expect(RawConnection.status(of: bytes) == 201, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")
        // Without the expectation there is no interim answer.
        let plain = try RawConnection(port: gateway.port, receiveTimeout: 30)
        await plain.send(head(nil) + body)
        let (bytes, _) = await plain.readUntilClosed()
        #expect(RawConnection.status(of: bytes) == 201)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("100 Continue"))
        try await gateway.stop()
        await downstream.stop()
    }

    /// A body its length shows too large is not asked for: the 413 comes at once, and nothing
    /// is uploaded to be thrown away.
    @Test func aBodyTooLargeIsNotAskedFor() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
        await connection.send(
            "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
        let first = String(decoding: await connection.readOnce(), as: UTF8.self)
        #expect(first.hasPrefix("HTTP/1.1 413"), "\(first)")
        #expect(!first.contains("100 Continue"))
        // The same length as a form, with its files as bytes: under `max_form_bytes`, asked for.
        let form = try RawConnection(port: gateway.port, receiveTimeout: 30)
        await form.send(
            "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2000000\r\n"
                + "Expect: 100-continue\r\n\r\n")
        let answer = String(decoding: await form.readOnce(), as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 100 Continue"), "\(answer)")
        let start =
            "--b\r\nContent-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"text\":\"路灯坏了\"}\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\n\r\n"
        let end = "\r\n--b--\r\n"
        let filler = String(repeating: "J", count: 2_000_000 - start.utf8.count - end.utf8.count)
        await form.send(start + filler + end)
        let stored = String(decoding: await form.readOnce(), as: UTF8.self)
        #expect(stored.hasPrefix("HTTP/1.1 201"), "\(stored.prefix(300))")
        try await gateway.stop()
        await downstream.stop()
    }

    /// With no token, or to no route, the refusal comes from the head: no body is asked for.
    @Test(arguments: [("/v1/complaints", false, "401"), ("/nowhere", true, "404")])
    func aRefusedRequestIsNotAskedForItsBody(path: String, withToken: Bool, status: String) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
        let authorization = withToken ? "Authorization: Bearer \(RunningGateway.token)\r\n" : ""
        await connection.send(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(authorization)"
                + "Content-Type: application/json\r\nContent-Length: 20\r\nExpect: 100-continue\r\n\r\n")
        let first = String(decoding: await connection.readOnce(), as: UTF8.self)
        #expect(first.hasPrefix("HTTP/1.1 \(status)"), "\(first)")
        #expect(!first.contains("100 Continue"))
        try await gateway.stop()
        await downstream.stop()
    }
}
