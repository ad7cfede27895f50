import Crypto
import Foundation

/// SHA-256 content hashes, as lowercase hex: raw payloads, attachments, rule-table versions.
public enum ContentHash {
    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256Hex<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        let digest = SHA256.hash(data: bytes)
        // Written as bytes into the string's own storage: appending 64 Characters one by one cost as
        // much as hashing a webhook's body.
        return String(unsafeUninitializedCapacity: 64) { hex in
            var count = 0
            for byte in digest {
                hex[count] = Self.digits[Int(byte >> 4)]
                hex[count + 1] = Self.digits[Int(byte & 0x0F)]
                count += 2
            }
            return count
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
