import Foundation

/// One inbound webhook as the HTTP layer received it: the bytes a signature covers, nothing parsed yet.
///
/// The adapter never sees the HTTP server's types, so providers can be tested from plain values.
public struct SMSRequest: Sendable {
    /// One request header, as received.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request path the gateway served, such as `/v1/sms/twilio`.
    public var path: String
    /// The query string exactly as received (still percent-encoded), without the `?`; nil when absent.
    public var query: String?
    public var headers: [Header]
    /// The raw body: signatures cover these bytes, never a re-serialization.
    public var body: Data
    /// The `Host` the request was sent to (HTTP/2 `:authority`).
    public var authority: String?

    public init(path: String, query: String?, headers: [Header], body: Data, authority: String? = nil) {
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.authority = authority
    }

    /// The first header called `name`, compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { Self.asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Header names are ASCII tokens, so ASCII case folding is the whole comparison (and avoids
    /// Foundation's locale-aware one, which was a visible cost on every webhook).
    private static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count
            && zip(a.utf8, b.utf8).allSatisfy { lhs, rhs in
                lhs == rhs
                    || (lhs | 0x20 == rhs | 0x20 && (lhs | 0x20) >= UInt8(ascii: "a")
                        && (lhs | 0x20) <= UInt8(ascii: "z"))
            }
    }

    /// The media type of the body, lowercased and without parameters (`application/json`).
    public var mediaType: String? {
        header("Content-Type").map { value in
            let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            let type = value.utf8.prefix { $0 != UInt8(ascii: ";") }.drop(while: isSpace)
            let end = type.lastIndex { !isSpace($0) }.map { type.index(after: $0) } ?? type.startIndex
            return String(decoding: type[..<end], as: UTF8.self).lowercased()
        }
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`).
    public var isForm: Bool { mediaType == "application/x-www-form-urlencoded" }

    /// The query's parameters, decoded; empty when there is no query.
    public var queryParameters: [FormParameter] { query.map { FormURLEncoded.parse(Array($0.utf8)) } ?? [] }
}
