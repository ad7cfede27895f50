import Crypto
import Foundation

/// Signs a delivery per the Standard Webhooks specification (standardwebhooks.com).
///
/// The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, MACed with HMAC-SHA256 under
/// the secret's key and sent as `webhook-signature: v1,{base64}`. The id stays the same for every
/// attempt of a message (receivers deduplicate on it); the timestamp is the attempt's own, so a
/// receiver's replay window (typically five minutes) accepts retries sent hours later.
public enum StandardWebhooksSigner {
    /// The three headers for one attempt.
    public static func headers(id: String, timestamp: Date, body: Data, secret: WebhookSecret) -> [HeaderField] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970.rounded(.down)))
        return [
            HeaderField(name: "webhook-id", value: id),
            HeaderField(name: "webhook-timestamp", value: seconds),
            HeaderField(
                name: "webhook-signature", value: signature(id: id, timestamp: seconds, body: body, secret: secret)),
        ]
    }

    /// `v1,{base64 HMAC-SHA256 of "id.timestamp.body"}`.
    public static func signature(id: String, timestamp: String, body: Data, secret: WebhookSecret) -> String {
        var content = Data()
        content.reserveCapacity(id.utf8.count + timestamp.utf8.count + body.count + 2)
        content.append(contentsOf: id.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: timestamp.utf8)
        content.append(UInt8(ascii: "."))
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
