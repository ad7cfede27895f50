import ComplaintCore

/// A message or body part: its headers, its media type, and either its body bytes, its
/// sub-parts (multipart) or the message it holds (`message/rfc822`).
public final class MIMEPart: Sendable {
    public let headers: HeaderBlock
    /// `Content-Type`, defaulted per RFC 2045 (`text/plain; charset=us-ascii`, or `message/rfc822` in a digest).
    public let contentType: HeaderParameters
    public let disposition: HeaderParameters?
    /// Lowercased `Content-Transfer-Encoding`, `7bit` when absent.
    public let transferEncoding: String
    /// Sub-parts of a multipart, in order.
    public let children: [MIMEPart]
    /// The message inside a `message/rfc822` (or `message/global`) part.
    public let embedded: MIMEPart?
    /// Problems found while parsing this part (not its children).
    public let defects: [String]
    private let storage: [UInt8]
    private let bodyRange: Range<Int>

    init(
        headers: HeaderBlock, contentType: HeaderParameters, disposition: HeaderParameters?,
        transferEncoding: String, children: [MIMEPart], embedded: MIMEPart?, defects: [String],
        storage: [UInt8], bodyRange: Range<Int>
    ) {
        self.headers = headers
        self.contentType = contentType
        self.disposition = disposition
        self.transferEncoding = transferEncoding
        self.children = children
        self.embedded = embedded
        self.defects = defects
        self.storage = storage
        self.bodyRange = bodyRange
    }

    public var mediaType: String { contentType.value }
    public var isMultipart: Bool { mediaType.hasPrefix("multipart/") }

    /// The body as transmitted (still transfer-encoded).
    public var encodedBody: ArraySlice<UInt8> { storage[bodyRange] }

    /// The body with its transfer encoding removed, and what was wrong with that encoding (stray
    /// characters in base64, a uuencoded body without its `end`), if anything.
    public var decoded: (bytes: [UInt8], defect: String?) {
        TransferDecoding.decode(encodedBody, encoding: transferEncoding)
    }

    /// The body with its transfer encoding removed.
    public var decodedBody: [UInt8] { decoded.bytes }

    /// `Content-Disposition: attachment`.
    public var isAttachment: Bool { disposition?.value == "attachment" }

    /// The filename: `Content-Disposition`'s `filename`, else `Content-Type`'s `name`.
    public var filename: String? {
        let name = disposition?["filename"] ?? contentType["name"]
        return name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A text part's content, decoded by ``CharsetDecoder``'s rule from its declared charset.
    public var text: CharsetDecoder.Decoded { text(of: decodedBody) }

    /// `bytes` (this part's decoded body) as text, by ``CharsetDecoder``'s rule from its declared charset.
    public func text(of bytes: [UInt8]) -> CharsetDecoder.Decoded {
        CharsetDecoder.decode(bytes, declared: contentType["charset"])
    }

    /// Every part in depth-first order, this one first (embedded messages included).
    public func walk(_ visit: (MIMEPart) -> Void) {
        visit(self)
        for child in children { child.walk(visit) }
        embedded?.walk(visit)
    }
}
