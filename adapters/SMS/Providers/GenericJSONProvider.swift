import ComplaintCore
import Crypto
import Foundation

/// Any sender we have no adapter for: a JSON object whose fields are found by configured dotted paths,
/// verified with Standard Webhooks.
///
/// Configure the sender with `{PUBLIC_BASE_URL}/v1/sms/generic` and the `whsec_…` secret. The natural
/// key is the message id at the `id` path, else the `webhook-id` header (stable across retries).
public struct GenericJSONProvider: SMSProvider {
    /// Where the fields are; each a dotted path such as `data.from.phone_number`.
    public struct FieldPaths: Sendable, Hashable {
        public var id: String
        public var from: String
        public var text: String
        public var receivedAt: String

        public init(id: String = "id", from: String = "from", text: String = "text", receivedAt: String = "received_at")
        {
            self.id = id
            self.from = from
            self.text = text
            self.receivedAt = receivedAt
        }
    }

    public let name: String
    /// The HMAC key bytes (`SymmetricKey` is not `Sendable`).
    let key: Data
    let fields: FieldPaths
    let timestamps: WebhookTimestamp

    public init(name: String = "generic", key: SymmetricKey, fields: FieldPaths, timestamps: WebhookTimestamp) {
        self.name = name
        self.key = key.withUnsafeBytes { Data($0) }
        self.fields = fields
        self.timestamps = timestamps
    }

    public var acknowledgement: SMSReply { SMSReply(contentType: "application/json", body: #"{"ok":true}"#) }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication {
        guard let id = request.header("webhook-id"), !id.isEmpty,
            let signature = request.header("webhook-signature"), !signature.isEmpty
        else {
            return .rejected(SMSRejection("missing_signature", "headers webhook-id and webhook-signature required"))
        }
        let timestamp = request.header("webhook-timestamp")
        if let stale = timestamps.check(timestamp, now: now, name: "header webhook-timestamp") {
            return .rejected(stale)
        }
        guard let timestamp,
            StandardWebhooksSignature.isValid(
                header: signature, id: id, timestamp: timestamp, body: request.body, key: SymmetricKey(data: key))
        else {
            return .rejected(SMSRejection("bad_signature", "webhook-signature does not match"))
        }
        return .accepted
    }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        let root = try SMSJSON.parse(request.body)
        _ = try SMSJSON.object(root, "body")
        func field(_ path: String) -> JSONValue? { root.value(at: path.split(separator: ".")) }
        guard let text = field(fields.text)?.scalarText else {
            throw SMSParseError("\(fields.text): required text is missing")
        }
        guard let from = field(fields.from)?.scalarText else {
            throw SMSParseError("\(fields.from): required sender is missing")
        }
        let id = field(fields.id)?.scalarText ?? request.header("webhook-id")
        // Unix seconds may come as a number or as a string of digits.
        let sent: Date? =
            switch field(fields.receivedAt) {
            case .string(let value)?: RFC3339.parse(value) ?? SMSTime.unixSeconds(.string(value))
            case let value?: SMSTime.unixSeconds(value)
            case nil: nil
            }
        var extra = root.objectFields ?? [:]
        // A time that could not be read stays in `source.extra` as sent; the arrival time is used.
        let read =
            sent == nil
            ? [fields.id, fields.from, fields.text] : [fields.id, fields.from, fields.text, fields.receivedAt]
        for path in read where !path.contains(".") {
            extra[path] = nil
        }
        let draft = SMSDraft(
            adapter: name, externalID: id, from: from, text: text, receivedAt: sent ?? receivedAt, extra: extra)
        return .messages([SMSMessage(draft: draft.complaint())])
    }
}
