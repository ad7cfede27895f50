import NIOSSL

/// `tls:` of an `https` endpoint: which certificate authorities vouch for it, and which client
/// certificate the gateway presents when it asks for one (mutual TLS).
///
/// Departments' systems often sit on a government or company network behind certificates of
/// their own CA, and many accept only callers with a client certificate they issued.
public struct EndpointTLS: Sendable, Hashable {
    /// `ca_file`: PEM file of the CA certificates trusted for this endpoint, instead of the
    /// system's roots (as curl's `--cacert`). nil trusts the system's roots.
    public var caFile: String?
    /// `client_certificate`: PEM file with the client certificate (and its intermediates).
    public var clientCertificate: String?
    /// `client_key`: PEM file with the client certificate's private key (unencrypted).
    public var clientKey: String?

    public init(caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The client TLS configuration: certificates and the host name are verified as always,
    /// against `caFile` when set.
    /// - Throws: when a file cannot be read or parsed.
    public func configuration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            let authorities = try NIOSSLCertificate.fromPEMFile(caFile)
            guard !authorities.isEmpty else { throw EndpointTLSError("\(caFile) holds no PEM certificate") }
            configuration.trustRoots = .certificates(authorities)
        }
        if let clientCertificate, let clientKey {
            let chain = try NIOSSLCertificate.fromPEMFile(clientCertificate)
            guard !chain.isEmpty else { throw EndpointTLSError("\(clientCertificate) holds no PEM certificate") }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
        }
        return configuration
    }
}

/// Why an endpoint's TLS files cannot be used.
public struct EndpointTLSError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
