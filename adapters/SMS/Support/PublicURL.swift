import Foundation

/// The URL a provider called, rebuilt from `PUBLIC_BASE_URL` (what the provider sees, which behind a
/// proxy is not the address the gateway listens on) and the request's own path and query.
public struct PublicURL: Sendable, Hashable {
    /// `scheme://host[:port]`, optionally with a path prefix a proxy adds; no trailing slash.
    /// Nil: `http://` + the request's `Host`, right only when no TLS proxy stands in front.
    public var base: String?

    public init(base: String) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
    }

    private init() { base = nil }

    /// No configured base: the URL is built from the request's `Host`.
    public static let requestHost = PublicURL()

    /// The full URL of a request: base + path + `?query` when there is one (query bytes as received).
    /// - Parameter host: the request's `Host` (authority), used when no base is configured.
    public func url(path: String, query: String?, host: String? = nil) -> String {
        (base ?? "http://" + (host ?? "")) + Self.pathAndQuery(path: path, query: query)
    }

    /// What follows the base in ``url(path:query:host:)``: the path, then `?query` when there is one.
    static func pathAndQuery(path: String, query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        return path + "?" + query
    }

    /// The port variants of every URL built on the configured base, when they can be worked out once:
    /// ``portVariants(_:)`` of the base, each to be followed by ``pathAndQuery(path:query:)``.
    ///
    /// The port only ever changes inside the authority, which lies wholly in a base that has a scheme,
    /// provided the path starts with `/` (see ``baseVariantsApply(toPath:)``). Nil without a base.
    var baseVariants: [String]? {
        guard let base, base.contains("://") else { return nil }
        return Self.portVariants(base)
    }

    /// Whether ``baseVariants`` followed by this path give the port variants of the whole URL: the
    /// path must end the authority itself (an HTTP request's origin-form path always does).
    static func baseVariantsApply(toPath path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

    /// `url` without and with its port (the scheme's default port added when absent), as Twilio's SDKs try.
    static func portVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        let prefix = url[..<schemeEnd.upperBound]
        // The port is after the last ':' that follows the host (an IPv6 host is bracketed).
        let hostEnd = authority.lastIndex(of: "]") ?? authority.startIndex
        if let colon = authority[hostEnd...].lastIndex(of: ":") {
            let host = authority[..<colon]
            return [String(prefix + host + tail), url]
        }
        let port = scheme == "https" ? "443" : "80"
        return [url, String(prefix + authority + ":" + port + tail)]
    }

    /// `scheme://host/path` and the raw query (without `?`), fragment dropped.
    static func splitQuery(_ url: String) -> (base: String, query: String?) {
        var url = Substring(url)
        if let hash = url.firstIndex(of: "#") { url = url[..<hash] }
        guard let mark = url.firstIndex(of: "?") else { return (String(url), nil) }
        return (String(url[..<mark]), String(url[url.index(after: mark)...]))
    }
}
