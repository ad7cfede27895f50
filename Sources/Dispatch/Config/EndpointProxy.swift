import ComplaintCore
import Foundation

/// `proxy:` of an endpoint: the HTTP proxy deliveries to it go through.
///
/// Department systems on a government or company network are often reachable only through the
/// network's egress proxy. An `https` endpoint is reached through a `CONNECT` tunnel (TLS runs
/// end to end, the proxy sees only the host name); an `http` endpoint's requests are sent to
/// the proxy with the absolute URL as their target. Credentials in the proxy URL
/// (`http://user:password@proxy:3128`) are sent as `Proxy-Authorization: Basic`, to the proxy only.
public struct EndpointProxy: Sendable, Hashable, CustomStringConvertible {
    /// The proxy's host (an IPv6 literal without its brackets) and port.
    public var host: String
    public var port: Int
    /// `Proxy-Authorization` value, when the URL carries credentials.
    public var authorization: String?
    /// The URL as configured, credentials included (never for logs: see ``description``).
    public var url: String

    /// Parses `http://[user:password@]host:port` (a trailing `/` is allowed).
    /// - Throws: ``EndpointProxyError`` naming what is wrong.
    public init(url: String) throws(EndpointProxyError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw EndpointProxyError("\"\(url)\" is not a URL; expected http://host:port")
        }
        guard scheme == "http" else {
            throw EndpointProxyError("only http:// proxies are supported (\(scheme):// is not)")
        }
        guard var host = components.percentEncodedHost, !host.isEmpty else {
            throw EndpointProxyError("the proxy URL has no host")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = components.port else {
            // Proxies listen on no standard port (3128, 8080, 8888…): a guess would be a silent failure.
            throw EndpointProxyError("the proxy URL needs a port (http://\(host):3128, for example)")
        }
        guard ["", "/"].contains(components.percentEncodedPath), components.query == nil, components.fragment == nil
        else { throw EndpointProxyError("a proxy URL is scheme://host:port only, without a path or query") }
        self.host = host
        self.port = port
        self.url = url
        if let user = components.user {
            let credentials = "\(user):\(components.password ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        }
    }

    /// A `proxy:` setting: nil when absent or empty after `${…}` (direct), or when the URL is
    /// wrong, which is reported on the node.
    public static func read(_ node: ConfigNode) -> EndpointProxy? {
        guard let text = node.string()?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        do {
            return try EndpointProxy(url: text)
        } catch {
            node.error(error.description)
            return nil
        }
    }

    /// `host:port`, without credentials (for logs and errors).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a proxy URL cannot be used.
public struct EndpointProxyError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
