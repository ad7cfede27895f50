import ComplaintCore
import Foundation

/// Vonage (Nexmo) inbound messages: the SMS API's, with signed webhooks (`sig`), and the
/// Messages API's (JSON with `message_uuid`, signed with a JWT: ``VonageJWT``), both under the
/// account's one signature secret.
///
/// Configure the account's inbound-message webhook as `{PUBLIC_BASE_URL}/v1/sms/vonage` with HTTP
/// method POST (form or JSON) or GET and ask Vonage to sign webhooks; set the same signature method here.
/// `messageId` is the natural key. Parts of a concatenated message arrive as separate messages with
/// `concat-ref`, `concat-part` and `concat-total`; the gateway holds them durably and commits one
/// complaint when the set is complete (or, incomplete, after `sms.concat_timeout_s`).
public struct VonageProvider: SMSProvider {
    public let name: String
    let secret: String
    let method: VonageSignature.Method
    let timestamps: WebhookTimestamp

    public init(name: String = "vonage", secret: String, method: VonageSignature.Method, timestamps: WebhookTimestamp) {
        self.name = name
        self.secret = secret
        self.method = method
        self.timestamps = timestamps
    }

    public var acknowledgement: SMSReply { .empty }

    /// The dashboard's HTTP method may be GET: the parameters, `sig` included, are then the query.
    public var acceptsGET: Bool { true }

    /// The parameters wherever Vonage put them: a form body, a JSON body, or the query.
    func parameters(_ request: SMSRequest) throws(SMSParseError) -> [FormParameter] {
        if request.isGET { return request.queryParameters }
        if request.isForm { return request.formParameters }
        if request.mediaType == "application/json" {
            let fields = try SMSJSON.object(try SMSJSON.parse(request.body), "body")
            return fields.compactMap { key, value in value.scalarText.map { FormParameter(key, $0) } }
        }
        if request.body.isEmpty { return request.queryParameters }
        throw SMSParseError("expected a form or JSON body, found \(request.mediaType ?? "no Content-Type")")
    }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication {
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            if let rejection = VonageJWT.check(
                token, secret: secret, body: request.body, now: now, toleranceSeconds: timestamps.toleranceSeconds)
            {
                return .rejected(rejection)
            }
            return .accepted
        }
        guard let parameters = try? parameters(request) else {
            return .rejected(SMSRejection("missing_signature", "body has no readable parameters to verify"))
        }
        guard let signature = parameters.first("sig"), !signature.isEmpty else {
            return .rejected(SMSRejection("missing_signature", "parameter sig is missing"))
        }
        // Vonage signs each name once. With a name repeated, what the signature covers and what
        // the message is read from could be different values: one signed request, another message.
        if let repeated = parameters.groupedByName().first(where: { $0.values.count > 1 }) {
            return .rejected(
                SMSRejection(
                    "bad_signature", "parameter \(repeated.name) appears more than once; Vonage sends each once"))
        }
        // Vonage signs when it started pushing the message, and resends for 24 hours: a resend
        // after an outage longer than the tolerance must still be taken (dedup stops replays).
        if let stale = timestamps.check(
            parameters.first("timestamp"), now: now, name: "parameter timestamp",
            maxAgeSeconds: WebhookTimestamp.vonageResendSeconds)
        {
            return .rejected(stale)
        }
        guard VonageSignature.isValid(parameters, secret: secret, method: method) else {
            return .rejected(SMSRejection("bad_signature", "sig does not match (method \(method.rawValue))"))
        }
        return .accepted
    }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        if !request.isGET, request.mediaType == "application/json",
            let fields = try SMSJSON.parse(request.body).objectFields, fields["message_uuid"] != nil
        {
            return try messagesAPI(fields, receivedAt: receivedAt)
        }
        let parameters = try parameters(request)
        if parameters.first("text") == nil, parameters.first("err-code") != nil {
            return .ignored(reason: "delivery receipt, not an incoming message")
        }
        guard let messageID = parameters.first("messageId"), !messageID.isEmpty else {
            throw SMSParseError("messageId: required field is missing")
        }
        let sent = parameters.first("message-timestamp").flatMap { SMSTime.parseSpaced($0, offset: "Z") }
        let text = parameters.first("text") ?? ""
        let concat = Self.concat(parameters)
        var extra = SMSDraft.extra(parameters, excluding: ["messageId", "msisdn", "text", "sig", "nonce"])
        // A part is cut wherever the sender's phone cut it, often at a space or a line break, which
        // the record's text would trim away: the part's text as sent is kept for joining.
        if concat != nil { extra[ConcatAssembler.partTextKey] = .string(text) }
        let draft = SMSDraft(
            adapter: name, externalID: messageID, from: parameters.first("msisdn"),
            text: text, receivedAt: sent ?? receivedAt, extra: extra, fromIsBareDigits: true)
        return .messages([SMSMessage(draft: draft.complaint(), concat: concat)])
    }

    /// A Messages API inbound message. It arrives whole (Vonage joins the parts; `sms.num_messages`
    /// says how many there were); an MMS is taken with its caption as the text and its media in
    /// `source.extra`; a status update (`status`, no `text`) or another channel's message
    /// (WhatsApp, Viber) is acknowledged and not taken.
    private func messagesAPI(_ fields: [String: JSONValue], receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        if fields["status"] != nil, fields["text"] == nil {
            return .ignored(reason: "message status update, not an incoming message")
        }
        let channel = fields["channel"]?.scalarText ?? "sms"
        // MMS to the hotline number is a citizen's message with a photo: its caption is the text.
        guard channel == "sms" || channel == "mms" else { return .ignored(reason: "a \(channel) message, not SMS") }
        let messageID = try SMSJSON.text(fields, "message_uuid")
        guard !messageID.isEmpty else { throw SMSParseError("body.message_uuid: must not be empty") }
        let sent = fields["timestamp"]?.scalarText.flatMap(RFC3339.parse)
        var extra: [String: JSONValue] = [:]
        for (key, value) in fields where !["message_uuid", "from", "text", "timestamp"].contains(key) {
            extra[key] = value
        }
        let draft = SMSDraft(
            adapter: name, externalID: messageID, from: fields["from"]?.scalarText,
            text: fields["text"]?.scalarText ?? Self.caption(fields) ?? "", receivedAt: sent ?? receivedAt,
            extra: extra,
            fromIsBareDigits: true)
        return .messages([SMSMessage(draft: draft.complaint(), concat: nil)])
    }

    /// An MMS's caption: `image.caption` (or that of its video, file or vcard).
    private static func caption(_ fields: [String: JSONValue]) -> String? {
        for key in ["image", "video", "file", "audio", "vcard"] {
            if let media = fields[key]?.objectFields, let caption = media["caption"]?.scalarText { return caption }
        }
        return nil
    }

    /// The part's place when `concat=true` carries a usable reference, part and total.
    static func concat(_ parameters: [FormParameter]) -> ConcatPart? {
        guard parameters.first("concat") == "true", let reference = parameters.first("concat-ref"),
            let part = parameters.first("concat-part").flatMap(Int.init),
            let total = parameters.first("concat-total").flatMap(Int.init), total > 1, (1...total).contains(part)
        else { return nil }
        let key = [parameters.first("msisdn") ?? "", parameters.first("to") ?? "", reference, String(total)]
        return ConcatPart(setKey: key.joined(separator: "|"), part: part, total: total)
    }
}
