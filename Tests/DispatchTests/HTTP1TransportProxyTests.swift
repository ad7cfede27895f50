import Foundation
import GatewayTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import ComplaintDispatch

/// An endpoint's `proxy:`: plain `http` requests sent to the proxy with the whole URL, `https`
/// through a `CONNECT` tunnel with TLS end to end, credentials for the proxy only; against a real
/// proxy and real servers on 127.0.0.1.
@Suite struct HTTP1TransportProxyTests {
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private let authorization = "Basic " + Data("gateway:s3cret".utf8).base64EncodedString()

    private func tlsServer() async throws -> ScriptedHTTPServer { try await TestCA.server(group: Self.loops) }

    private func transport(_ url: String, proxy: String, caFile: Bool = false) throws -> HTTP1Transport {
        let tls = caFile ? [url: try EndpointTLS(caFile: try TestCA.file("test-ca-cert.pem")).configuration()] : [:]
        return HTTP1Transport(
            endpointTLS: tls, endpointProxies: [url: try EndpointProxy(url: proxy)], group: Self.loops)
    }

    @Test func plainHTTPGoesToTheProxyWithTheWholeURLAndItsCredentials() async throws {
        let server = try await ScriptedHTTPServer(group: Self.loops)
        let proxy = try await TestHTTPProxy(group: Self.loops, credentials: "gateway:s3cret")
        let url = "http://127.0.0.1:\(server.port)/water?via=gateway"
        let transport = try transport(url, proxy: "http://gateway:s3cret@127.0.0.1:\(proxy.port)")
        for _ in 0..<2 {
            guard await transport.expectOK(url) else { return }
        }
        // Both requests went over one kept-alive connection to the proxy.
        #expect(proxy.heads.count == 1)
        let head = try #require(proxy.heads.first)
        #expect(head.hasPrefix("POST http://127.0.0.1:\(server.port)/water?via=gateway HTTP/1.1\r\n"))
        #expect(head.contains("\r\nProxy-Authorization: \(authorization)"))
        #expect(server.received.count == 2)
        try await transport.shutdown()
        await proxy.stop()
        await server.stop()
    }

    @Test func httpsGoesThroughATunnelAndTheEndpointNeverSeesTheProxyCredentials() async throws {
        let server = try await tlsServer()
        let proxy = try await TestHTTPProxy(group: Self.loops, credentials: "gateway:s3cret")
        let url = "https://localhost:\(server.port)/water"
        let transport = try transport(url, proxy: "http://gateway:s3cret@127.0.0.1:\(proxy.port)/", caFile: true)
        for _ in 0..<2 {
            guard await transport.expectOK(url) else { return }
        }
        #expect(
            proxy.heads == [
                "CONNECT localhost:\(server.port) HTTP/1.1\r\nHost: localhost:\(server.port)\r\nProxy-Authorization: \(authorization)"
            ])
        // Inside the tunnel the request is the ordinary one, verified against the endpoint's certificate.
        let received = server.received.map(\.text)
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.hasPrefix("POST /water HTTP/1.1\r\n") && !$0.contains("Proxy-Authorization") })
        try await transport.shutdown()
        await proxy.stop()
        await server.stop()
    }

    @Test func theEndpointsCertificateIsVerifiedInsideTheTunnel() async throws {
        let server = try await tlsServer()
        let proxy = try await TestHTTPProxy(group: Self.loops)
        let url = "https://localhost:\(server.port)/water"
        // No ca_file: the system's roots, which do not know the test CA. The proxy opened the
        // tunnel; the endpoint's certificate is still refused.
        let transport = try transport(url, proxy: "http://127.0.0.1:\(proxy.port)")
        guard let reason = await transport.expectFailure(url) else { return }
        #expect(reason.hasPrefix("TLS: "), "\(reason)")
        #expect(proxy.heads.count == 1)
        #expect(server.received.isEmpty)
        try await transport.shutdown()
        await proxy.stop()
        await server.stop()
    }

    @Test func aTunnelRefusedForWrongCredentialsIsAFailureThatNamesTheProxy() async throws {
        let server = try await tlsServer()
        let proxy = try await TestHTTPProxy(group: Self.loops, credentials: "gateway:s3cret")
        let url = "https://localhost:\(server.port)/water"
        let transport = try transport(url, proxy: "http://gateway:n0t-it@127.0.0.1:\(proxy.port)", caFile: true)
        guard let reason = await transport.expectFailure(url) else { return }
        #expect(
            reason
                == "proxy 127.0.0.1:\(proxy.port): tunnel refused with HTTP 407 (credentials missing or not accepted)")
        #expect(!reason.contains("n0t-it"), "credentials must not reach the attempt log: \(reason)")
        #expect(server.connections == 0)
        // The same answer to a plain request is the proxy's 407: retried, not a dead letter.
        #expect(
            DeliveryClassification.classify(.response(status: 407, headers: [], snippet: ""))
                == .retry(reason: "HTTP 407", retryAfter: nil))
        try await transport.shutdown()
        await proxy.stop()
        await server.stop()
    }

    @Test func aProxyThatIsDownIsNamedInTheFailure() async throws {
        // Bound and never listening, so no other test's server can take the port meanwhile.
        let closed = try ClosedPort()
        defer { closed.close() }
        let port = closed.port
        for url in ["http://127.0.0.1:9/water", "https://localhost:9/water"] {
            let transport = try transport(url, proxy: "http://127.0.0.1:\(port)")
            guard let reason = await transport.expectFailure(url) else { continue }
            #expect(reason == "proxy 127.0.0.1:\(port): connection refused", "\(url)")
            try await transport.shutdown()
        }
    }
}
