import Foundation
import GatewayTestSupport
import HTTPTypes
import Testing

@testable import GatewayServer

/// Java's `HttpClient` asks every `http://` server to switch to HTTP/2 (`Upgrade: h2c`) on its
/// first request and keeps the connection for the next one unless told otherwise.
@Suite struct ProtocolUpgradeTests {
    private func request(_ text: String, upgrade: Bool) -> String {
        let body = #"{"text":"\#(text)"}"#
        return "POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RunningGateway.token)\r\n"
            + (upgrade
                ? "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAABkAAQBAAAAAAUAAEAA\r\n"
                : "")
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    @Test func anUpgradeRequestIsAnsweredOverHTTP1AndTheConnectionClosed() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 30)
        // A second request pipelined behind the upgrade: a server that had switched parsers would
        // never answer either it or the close.
        await connection.send(request("路灯不亮", upgrade: true) + request("噪音扰民", upgrade: false))
        let (bytes, closed) = await connection.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(closed, "the connection must close after the answer, not hang: \(text)")
        #expect(RawConnection.status(of: bytes) == 201, "\(text)")
        #expect(text.lowercased().contains("connection: close"))
        #expect(!text.contains("101 Switching"))
        // The client's next connection, without the upgrade, is served as usual.
        let next = try RawConnection(port: gateway.port, receiveTimeout: 30)
        await next.send(
            request("噪音扰民", upgrade: false).replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n"))
        let (nextBytes, _) = await next.readUntilClosed()
        #expect(RawConnection.status(of: nextBytes) == 201)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test func connectionOptionsAreReadAsTokens() {
        func asks(_ connection: String, _ upgrade: String? = "h2c") -> Bool {
            var request = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/")
            request.headerFields[.connection] = connection
            if let upgrade { request.headerFields[.upgrade] = upgrade }
            return UpgradeDecliner.asksToUpgrade(request)
        }
        #expect(asks("Upgrade, HTTP2-Settings"))
        #expect(asks("keep-alive,upgrade"))
        #expect(!asks("keep-alive"))
        #expect(!asks("upgrade", nil))
        #expect(!asks("upgrades"))
    }
}
