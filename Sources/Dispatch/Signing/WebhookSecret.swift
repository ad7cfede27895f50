import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the base64 of the key bytes.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The HMAC key (the decoded bytes after `whsec_`).
    public let key: Data

    /// Why a secret was refused.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missingPrefix
        case notBase64
        case empty

        public var description: String {
            switch self {
            case .missingPrefix: "a Standard Webhooks secret starts with whsec_"
            case .notBase64: "the part after whsec_ is not base64"
            case .empty: "the secret has no key bytes"
            }
        }
    }

    /// Parses `whsec_<base64>`; base64 padding may be left out, as some issuers do.
    public init(parsing text: String) throws(Failure) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("whsec_") else { throw .missingPrefix }
        var encoded = String(trimmed.dropFirst("whsec_".count))
        while encoded.count % 4 != 0 { encoded += "=" }
        guard let key = Data(base64Encoded: encoded) else { throw .notBase64 }
        guard !key.isEmpty else { throw .empty }
        self.key = key
    }

    public init(key: Data) { self.key = key }

    /// The spec asks for 24 to 64 key bytes; shorter keys still work but are weak.
    public var hasRecommendedLength: Bool { (24...64).contains(key.count) }

    /// Never prints the key: configurations and logs show only its length.
    public var description: String { "whsec_<\(key.count) bytes>" }
}
