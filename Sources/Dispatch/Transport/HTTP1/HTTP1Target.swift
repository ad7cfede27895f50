import Foundation
import NIOCore

/// Where a department's URL sends requests: the origin to connect to and the request line's
/// target, parsed once per URL.
struct HTTP1Target: Sendable, Hashable {
    /// One pool of connections serves each origin.
    struct Origin: Sendable, Hashable {
        var tls: Bool
        /// The host to connect to (an IPv6 literal without its brackets).
        var host: String
        var port: Int
        /// Which TLS settings its connections use (0: the transport's default): endpoints with
        /// their own CA or client certificate share connections only with those that have the same.
        var tlsProfile = 0
        /// Which proxy its connections go through (0: none); a tunnel serves one origin only.
        var proxyProfile = 0
    }

    var origin: Origin
    /// `Host:` as the request carries it.
    var hostHeader: String
    /// Path and query, percent-encoded as configured; the absolute URL when the request goes
    /// to a proxy as it is (plain `http` through a proxy).
    var requestTarget: String
    /// `Proxy-Authorization` for requests sent to a proxy as they are; never sent through a tunnel.
    var proxyAuthorization: String?

    enum Failure: Error, Equatable {
        case invalid(String)
    }

    init(url: String) throws(Failure) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw .invalid("invalid URL \(url)")
        }
        guard scheme == "http" || scheme == "https" else { throw .invalid("unsupported URL scheme \(scheme)") }
        guard var host = components.percentEncodedHost, !host.isEmpty else { throw .invalid("URL without a host") }
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
        if bracketed { host = String(host.dropFirst().dropLast()) }
        let tls = scheme == "https"
        let defaultPort = tls ? 443 : 80
        let port = components.port ?? defaultPort
        origin = Origin(tls: tls, host: host, port: port)
        let shownHost = bracketed || host.contains(":") ? "[\(host)]" : host
        hostHeader = port == defaultPort ? shownHost : "\(shownHost):\(port)"
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        requestTarget = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }

    /// Sends this target's connections through `proxy` (numbered `profile` by the transport). A
    /// plain `http` request then names the whole URL and carries the proxy's credentials; an
    /// `https` one is sent unchanged inside the proxy's tunnel.
    mutating func route(through proxy: EndpointProxy, profile: Int) {
        origin.proxyProfile = profile
        guard !origin.tls else { return }
        requestTarget = "http://\(hostHeader)\(requestTarget)"
        proxyAuthorization = proxy.authorization
    }

    /// The whole request, ready to write: request line, `Host`, `Content-Length`, the given
    /// headers, and the body.
    /// - Throws: when a header name or value would break the request's framing (CR, LF, NUL).
    func request(headers: [HeaderField], body: Data, allocator: ByteBufferAllocator) throws(Failure) -> ByteBuffer {
        var size = 64 + requestTarget.utf8.count + hostHeader.utf8.count + body.count
        size += proxyAuthorization.map { $0.utf8.count + 23 } ?? 0
        for header in headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeStaticString("POST ")
        buffer.writeString(requestTarget)
        buffer.writeStaticString(" HTTP/1.1\r\nHost: ")
        buffer.writeString(hostHeader)
        buffer.writeStaticString("\r\nContent-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\n")
        if let proxyAuthorization {
            buffer.writeStaticString("Proxy-Authorization: ")
            buffer.writeString(proxyAuthorization)
            buffer.writeStaticString("\r\n")
        }
        for header in headers {
            guard Self.isToken(header.name) else { throw .invalid("invalid header name \(header.name)") }
            guard Self.isFieldValue(header.value) else { throw .invalid("invalid value for header \(header.name)") }
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(body)
        return buffer
    }

    /// A header name is a token (RFC 9110 §5.6.2): visible ASCII except separators.
    private static func isToken(_ name: String) -> Bool {
        var valid = !name.isEmpty
        for byte in name.utf8 {
            switch byte {
            case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7A, 0x7C, 0x7E: continue
            default: valid = false
            }
        }
        return valid
    }

    /// A header value must not end the line or the header section early.
    private static func isFieldValue(_ value: String) -> Bool {
        for byte in value.utf8 where byte == 0x0D || byte == 0x0A || byte == 0x00 { return false }
        return true
    }
}
