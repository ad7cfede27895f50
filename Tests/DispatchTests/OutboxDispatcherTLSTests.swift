import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import NIOSSL
import Storage
import Testing

/// A department behind a private CA that accepts only callers with a client certificate it
/// issued: the outbox delivers to it through the transport built from the departments, as the
/// gateway builds it.
@Suite struct OutboxDispatcherTLSTests {
    @Test func deliversThroughAPrivateCAWithAClientCertificate() async throws {
        let fixture = TestCA.file
        let server = try await TestCA.server(requireClientCertificate: true)
        var water = department("water", url: "https://localhost:\(server.port)/water")
        water.endpoint.tls = EndpointTLS(
            caFile: try fixture("test-ca-cert.pem"), clientCertificate: try fixture("client-cert.pem"),
            clientKey: try fixture("client-key.pem"))
        try await withStore { store in
            let submission = Fixtures.submission(department: "water")
            _ = try await store.ingest(submission)
            let transport = try HTTP1Transport(departments: [water], maxIdlePerOrigin: 4)
            try await withDispatcher(store: store, departments: [water], transport: transport) { _ in
                let delivered = try await eventually {
                    try await store.complaint(id: submission.record.id)?.state == .delivered
                }
                #expect(delivered)
            }
            let sent = try #require(server.received.first)
            #expect(sent.text.contains("Idempotency-Key: \(submission.record.id)\r\n"))
            #expect(sent.text.hasSuffix(String(decoding: ComplaintJSON.encode(submission.record), as: UTF8.self)))
        }
        await server.stop()
    }
}
