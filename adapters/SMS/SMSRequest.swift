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

    /// `POST`, or `GET` for providers set to send the message as the query of a GET.
    public var method: String
    /// The request path the gateway served, such as `/v1/sms/twilio`.
    public var path: String
    /// The query string exactly as received (still percent-encoded), without the `?`; nil when absent.
    public var query: String?
    public var headers: [Header]
    /// The raw body: signatures cover these bytes, never a re-serialization.
    public var body: Data
    /// The `Host` the request was sent to (HTTP/2 `:authority`).
    public var authority: String?
    private let formMemo = FormMemo()

    public init(
        method: String = "POST", path: String, query: String?, headers: [Header], body: Data, authority: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.authority = authority
    }

    /// The first header called `name`, compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { Self.asciiCaseInsensitiveEqual($0.name.utf8, name.utf8) }?.value
    }

    /// Header names are ASCII tokens, so ASCII case folding is the whole comparison (and avoids
    /// Foundation's locale-aware one, which was a visible cost on every webhook). Compared as
    /// contiguous bytes where both have them: zipping two strings' UTF-8 views cost more than the
    /// signature's hashing.
    private static func asciiCaseInsensitiveEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let contiguous = a.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in asciiCaseInsensitiveEqual(bytes: a, b) }
        }
        if let result = contiguous ?? nil { return result }
        return a.count == b.count && zip(a, b).allSatisfy { sameLetter($0, $1) }
    }

    private static func asciiCaseInsensitiveEqual(bytes a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where !sameLetter(a[index], b[index]) { return false }
        return true
    }

    private static func sameLetter(_ lhs: UInt8, _ rhs: UInt8) -> Bool {
        lhs == rhs
            || (lhs | 0x20 == rhs | 0x20 && (lhs | 0x20) >= UInt8(ascii: "a") && (lhs | 0x20) <= UInt8(ascii: "z"))
    }

    /// The media type of the body, lowercased and without parameters (`application/json`).
    public var mediaType: String? {
        header("Content-Type").map { String(decoding: Self.mediaType(of: $0), as: UTF8.self).lowercased() }
    }

    /// The media type in a `Content-Type` value: before any `;`, without surrounding spaces and tabs.
    private static func mediaType(of value: String) -> Substring.UTF8View {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let type = value.utf8.prefix { $0 != UInt8(ascii: ";") }.drop(while: isSpace)
        let end = type.lastIndex { !isSpace($0) }.map { type.index(after: $0) } ?? type.startIndex
        return type[..<end]
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`). Compared by ASCII case folding,
    /// without building the lowercased ``mediaType``: no other character lowercases to this name's letters.
    ///
    /// A body with no `Content-Type` at all (a proxy stripped it) counts as a form when it does not
    /// start like JSON or XML: Twilio, Plivo and Vonage post nothing else, and their signatures
    /// cover the form's parameters.
    public var isForm: Bool {
        guard let value = header("Content-Type") else {
            guard let first = body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
                return false
            }
            return first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first != UInt8(ascii: "<")
        }
        return Self.asciiCaseInsensitiveEqual(Self.mediaType(of: value), "application/x-www-form-urlencoded".utf8)
    }

    /// The body as a form, parsed once for all the callers that ask (see ``FormURLEncoded/parse(_:)``).
    public var formParameters: [FormParameter] { formMemo.parameters(of: body) }

    /// Whether the message came as the query of a GET.
    public var isGET: Bool { method == "GET" }

    /// The query's parameters, decoded; empty when there is no query.
    public var queryParameters: [FormParameter] { query.map { FormURLEncoded.parse(Array($0.utf8)) } ?? [] }
}
