import Foundation
import GatewayTestSupport
import Testing

/// A request refused before its body was read: answered, then the connection closed, not the
/// body read to its declared end.
@Suite("Bodies of refused requests")
struct RefusedBodyTests {
    @Test(
        "a refusal answered before the body closes the connection instead of reading gigabytes",
        arguments: [
            ("POST /nowhere HTTP/1.1", false, 404),
            ("POST /v1/complaints HTTP/1.1", false, 401),
            ("POST /v1/complaints HTTP/1.1", true, 413),
        ])
    func refusedBodyNotRead(requestLine: String, withToken: Bool, status: Int) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
        let authorization = withToken ? "Authorization: Bearer \(RunningGateway.token)\r\n" : ""
        #expect(
            await connection.send(
                "\(requestLine)\r\nHost: 127.0.0.1\r\n\(authorization)Content-Type: application/json\r\n"
                    + "Content-Length: 100000000000\r\n\r\n"))
        // Answered from the head alone, saying the connection closes.
        let answer = await connection.readOnce()
        #expect(RawConnection.status(of: answer) == status, "\(String(decoding: answer.prefix(300), as: UTF8.self))")
        #expect(String(decoding: answer, as: UTF8.self).lowercased().contains("connection: close"))
        // Keep sending, as a client that ignores the answer would: the gateway stops reading and
        // closes, long before 20 s of sending on loopback (gigabytes) are up.
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var sent = 0
        let started = Date()
        while Date().timeIntervalSince(started) < 20, await connection.send(chunk) { sent += chunk.count }
        #expect(Date().timeIntervalSince(started) < 15, "sent \(sent) bytes")
        #expect(sent < 256 << 20, "sent \(sent) bytes")
        // The gateway still serves the next connection.
        #expect(try await gateway.post(#"{"text":"路灯不亮"}"#).status == 201)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a pipelined request after one refused once its body was read is still answered")
    func pipelinedAfterARefusal() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // The second request asks to close after its answer, so the read ends there however busy the
        // machine is (a fixed wait for more bytes would not).
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
        func post(_ body: String, _ connectionField: String) -> String {
            "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
                + "Connection: \(connectionField)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        #expect(
            await connection.send(
                post(#"{"subject":"no text"}"#, "keep-alive") + post(#"{"text":"路灯不亮"}"#, "close")))
        let (bytes, _) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 422"), "\(text.prefix(200))")
        #expect(text.contains("HTTP/1.1 201"), "\(text)")
        try await gateway.stop()
        await downstream.stop()
    }
}
