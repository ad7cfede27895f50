import Foundation

/// What a delivery transport is built from: each endpoint's `tls:` (with its files' contents)
/// and `proxy:`. Two department sets with equal settings can share one transport, so a reload
/// that changes neither (a rule table, a department's URL path, its headers or limits) keeps
/// the kept-alive connections instead of closing and reopening every one of them.
public struct TransportSettings: Hashable, Sendable {
    private struct Endpoint: Hashable, Sendable {
        var tls: EndpointTLS?
        /// The TLS files' bytes, in `tls`'s order (nil: unreadable): a certificate renewed in
        /// place, under the same file name, is a change.
        var tlsFiles: [Data?]
        var proxy: EndpointProxy?
    }

    private let endpoints: [String: Endpoint]

    /// Reads the TLS files of `departments`' endpoints.
    public init(_ departments: [Department]) {
        var endpoints: [String: Endpoint] = [:]
        for department in departments {
            let endpoint = department.endpoint
            guard endpoint.tls != nil || endpoint.proxy != nil else { continue }
            let files = [endpoint.tls?.caFile, endpoint.tls?.clientCertificate, endpoint.tls?.clientKey]
                .compactMap { $0 }
                .map { FileManager.default.contents(atPath: $0) }
            endpoints[endpoint.url] = Endpoint(tls: endpoint.tls, tlsFiles: files, proxy: endpoint.proxy)
        }
        self.endpoints = endpoints
    }
}
