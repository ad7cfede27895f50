import Crypto
import Foundation

/// Telnyx API v2 webhooks: Ed25519 over `telnyx-timestamp` + `|` + the raw body, with the account's public key.
public enum TelnyxSignature {
    /// Whether `signature` (base64, 64 bytes) signs `timestamp|body` under `publicKey` (32 raw bytes).
    public static func isValid(
        signature: String, timestamp: String, body: Data, publicKey: Curve25519.Signing.PublicKey
    )
        -> Bool
    {
        guard let bytes = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)), bytes.count == 64 else {
            return false
        }
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "|"))
        message.append(body)
        return publicKey.isValidSignature(bytes, for: message)
    }

    /// The key from its base64 text (Mission Control → Keys & Credentials → Public Key).
    public static func publicKey(base64: String) -> Curve25519.Signing.PublicKey? {
        guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), raw.count == 32 else {
            return nil
        }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}
