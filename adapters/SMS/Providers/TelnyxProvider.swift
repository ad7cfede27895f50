import ComplaintCore
import Crypto
import Foundation

/// Telnyx API v2 messaging: `message.received` events (JSON), Ed25519-signed.
///
/// Configure the messaging profile's inbound webhook URL as `{PUBLIC_BASE_URL}/v1/sms/telnyx`. Other
/// events sent to the same URL (`message.sent`, `message.finalized`) are acknowledged and not stored.
/// `data.payload.id` (the message id) is the natural key.
public struct TelnyxProvider: SMSProvider {
    public let name: String
    /// The raw 32 key bytes (`Curve25519.Signing.PublicKey` is not `Sendable`; rebuilding it is cheap).
    let publicKey: Data
    let timestamps: WebhookTimestamp

    public init(name: String = "telnyx", publicKey: Curve25519.Signing.PublicKey, timestamps: WebhookTimestamp) {
        self.name = name
        self.publicKey = publicKey.rawRepresentation
        self.timestamps = timestamps
    }

    public var acknowledgement: SMSReply { .empty }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication {
        guard let signature = request.header("telnyx-signature-ed25519"), !signature.isEmpty else {
            return .rejected(SMSRejection("missing_signature", "header telnyx-signature-ed25519 is missing"))
        }
        let timestamp = request.header("telnyx-timestamp")
        if let stale = timestamps.check(timestamp, now: now, name: "header telnyx-timestamp") {
            return .rejected(stale)
        }
        guard
            let timestamp, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            TelnyxSignature.isValid(signature: signature, timestamp: timestamp, body: request.body, publicKey: key)
        else {
            return .rejected(SMSRejection("bad_signature", "telnyx-signature-ed25519 does not verify"))
        }
        return .accepted
    }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        let root = try SMSJSON.object(try SMSJSON.parse(request.body), "body")
        guard let data = root["data"]?.objectFields else { throw SMSParseError("data: expected an object") }
        let eventType = data["event_type"]?.scalarText ?? ""
        guard eventType == "message.received" else {
            return .ignored(reason: "event \(eventType.isEmpty ? "without event_type" : eventType)")
        }
        guard let payload = data["payload"]?.objectFields else {
            throw SMSParseError("data.payload: expected an object")
        }
        let id = try SMSJSON.text(payload, "id", in: "data.payload")
        let from = payload["from"]?.objectFields
        var extra = payload
        for key in ["id", "text", "from", "received_at"] { extra[key] = nil }
        for key in ["carrier", "line_type"] { if let value = from?[key] { extra["from_\(key)"] = value } }
        if let eventID = data["id"] { extra["event_id"] = eventID }
        if let occurredAt = data["occurred_at"] { extra["event_occurred_at"] = occurredAt }
        if let meta = root["meta"] { extra["meta"] = meta }
        let sent = payload["received_at"]?.scalarText.flatMap(RFC3339.parse)
        let draft = SMSDraft(
            adapter: name, externalID: id, from: from?["phone_number"]?.scalarText,
            text: payload["text"]?.scalarText ?? "", receivedAt: sent ?? receivedAt, extra: extra)
        return .messages([SMSMessage(draft: draft.complaint())])
    }
}
