import Crypto
import Foundation

/// Standard Webhooks v1 (`webhook-id`, `webhook-timestamp`, `webhook-signature`), for the generic sender.
///
/// The key is the base64 after `whsec_`; the signature is `v1,` + base64 HMAC-SHA256 of
/// `id.timestamp.body`; the header may list several space-separated signatures (key rotation) and
/// versions other than `v1` are skipped.
public enum StandardWebhooksSignature {
    /// The HMAC key of a `whsec_…` secret, nil when it is not base64.
    public static func key(secret: String) -> SymmetricKey? {
        var text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        while text.utf8.count % 4 != 0 { text += "=" }
        guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// `v1,<base64>` for one message.
    public static func sign(id: String, timestamp: String, body: Data, key: SymmetricKey) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body, key: key)).base64EncodedString()
    }

    /// Whether any `v1` entry of `header` matches.
    public static func isValid(header: String, id: String, timestamp: String, body: Data, key: SymmetricKey) -> Bool {
        let expected = Array(mac(id: id, timestamp: timestamp, body: body, key: key))
        var valid = false
        for entry in header.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let bytes = Data(base64Encoded: String(parts[1])) else {
                continue
            }
            if ConstantTime.equal(expected, Array(bytes)) { valid = true }
        }
        return valid
    }

    private static func mac(id: String, timestamp: String, body: Data, key: SymmetricKey) -> HMAC<SHA256>.MAC {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        return HMAC<SHA256>.authenticationCode(for: message, using: key)
    }
}
