import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The committed test CA and the certificates it signed (TLS/README.md tells how they were made),
/// and loopback TLS servers that present its `localhost` certificate.
enum TestCA {
    /// The TLS/ directory of the test bundle.
    static func directory() throws -> URL {
        try #require(Bundle.module.url(forResource: "TLS", withExtension: nil))
    }

    /// The path of a file in TLS/.
    static func file(_ name: String) throws -> String {
        try directory().appendingPathComponent(name).path
    }

    /// A server with the CA-signed `localhost` certificate; with `requireClientCertificate`, it
    /// refuses callers without a client certificate from the test CA.
    static func server(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, requireClientCertificate: Bool = false
    ) async throws -> ScriptedHTTPServer {
        let chain = try NIOSSLCertificate.fromPEMFile(try file("ca-signed-localhost-cert.pem"))
        let key = try NIOSSLPrivateKey(file: try file("ca-signed-localhost-key.pem"), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        if requireClientCertificate {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(try file("test-ca-cert.pem"))
        }
        return try await ScriptedHTTPServer(group: group, tls: try NIOSSLContext(configuration: configuration))
    }
}
