import Crypto
import Foundation

/// An HMAC keyed once and copied for every message it signs.
///
/// Keying an HMAC hashes the padded key into two fresh states; a provider signs every webhook with the
/// same key, so that is done when the provider is built and each request starts from a copy. The copy
/// is cheap and safe to make from many threads at once: swift-crypto keeps each hash state in a
/// copy-on-write box, so the first update of a copy gets its own state and the prepared one is never
/// written. That is also why the `@unchecked Sendable` holds: a `PreparedHMAC` shared between threads
/// is only ever copied, never mutated.
struct PreparedHMAC: @unchecked Sendable {
    // Two optionals rather than an enum with payloads: `sha1?.update` mutates in place, where
    // rebinding an enum payload would share the state and copy it on every update.
    private var sha1: HMAC<Insecure.SHA1>?
    private var sha256: HMAC<SHA256>?

    init(key: String, algorithm: TwilioSignature.Algorithm) {
        let key = SymmetricKey(data: Array(key.utf8))
        switch algorithm {
        case .hmacSHA1: sha1 = HMAC(key: key)
        case .hmacSHA256: sha256 = HMAC(key: key)
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        sha1?.update(data: bytes)
        sha256?.update(data: bytes)
    }

    mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The MAC of everything given so far, base64 (standard alphabet, padded).
    func base64() -> String {
        if let sha1 { return Data(sha1.finalize()).base64EncodedString() }
        if let sha256 { return Data(sha256.finalize()).base64EncodedString() }
        return ""
    }
}
