import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import ComplaintDispatch

/// An endpoint's own `tls:` settings: a private CA instead of the system's roots, and a client
/// certificate for endpoints that require one, against real TLS servers on 127.0.0.1.
@Suite struct HTTP1TransportEndpointTLSTests {
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    private func server(requireClientFromCA: Bool) async throws -> ScriptedHTTPServer {
        try await TestCA.server(group: Self.loops, requireClientCertificate: requireClientFromCA)
    }

    private func transport(_ endpointTLS: [String: EndpointTLS]) throws -> HTTP1Transport {
        HTTP1Transport(endpointTLS: try endpointTLS.mapValues { try $0.configuration() }, group: Self.loops)
    }

    @Test func aCAFileTrustsThePrivateCAForThatEndpointOnly() async throws {
        let server = try await server(requireClientFromCA: false)
        let own = "https://localhost:\(server.port)/water"
        let other = "https://localhost:\(server.port)/roads"
        let transport = try transport([own: EndpointTLS(caFile: try TestCA.file("test-ca-cert.pem"))])
        guard await transport.expectOK(own) else { return }
        // Same host and port, no settings of its own: the system's roots, which do not know the CA.
        // Its connection is not the first endpoint's either (that one was verified differently).
        guard let reason = await transport.expectFailure(other) else { return }
        #expect(reason.hasPrefix("TLS: "), "\(reason)")
        #expect(server.received.count == 1)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func aClientCertificateOpensAnEndpointThatRequiresOne() async throws {
        let server = try await server(requireClientFromCA: true)
        let withCertificate = "https://127.0.0.1:\(server.port)/water"
        let without = "https://127.0.0.1:\(server.port)/roads"
        let ca = try TestCA.file("test-ca-cert.pem")
        let transport = try transport([
            withCertificate: EndpointTLS(
                caFile: ca, clientCertificate: try TestCA.file("client-cert.pem"),
                clientKey: try TestCA.file("client-key.pem")),
            without: EndpointTLS(caFile: ca),
        ])
        guard await transport.expectOK(withCertificate) else { return }
        // Well inside the patience of the other exchanges: the refusal must end the attempt at
        // once, whether it arrives before the request is written or after.
        let clock = ContinuousClock()
        let started = clock.now
        let reason = await transport.expectFailure(without)
        #expect(clock.now - started < .seconds(20))
        guard let reason else { return }
        // TLS 1.3 reports the refusal after the handshake, while reading: a failure either way,
        // and the request never reached the server's application.
        #expect(!reason.isEmpty)
        #expect(server.received.count == 1)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func endpointsOnOneHostWithTheSameSettingsShareConnections() async throws {
        let server = try await server(requireClientFromCA: true)
        let settings = EndpointTLS(
            caFile: try TestCA.file("test-ca-cert.pem"), clientCertificate: try TestCA.file("client-cert.pem"),
            clientKey: try TestCA.file("client-key.pem"))
        let water = "https://localhost:\(server.port)/water"
        let roads = "https://localhost:\(server.port)/roads"
        // Each endpoint's files are read on their own, as the loader reads each department's.
        let transport = try transport([water: settings, roads: settings])
        for url in [water, roads, water] {
            guard await transport.expectOK(url) else { return }
        }
        #expect(server.connections == 1)
        try await transport.shutdown()
        await server.stop()
    }

    @Test func unreadableFilesAreReportedByName() {
        #expect(throws: (any Error).self) { try EndpointTLS(caFile: "/nonexistent/ca.pem").configuration() }
        let key = try? TestCA.file("client-key.pem")
        #expect(throws: (any Error).self) {
            // A key is not a certificate.
            try EndpointTLS(caFile: key).configuration()
        }
    }
}
