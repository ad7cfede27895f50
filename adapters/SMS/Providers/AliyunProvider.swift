import ComplaintCore
import Foundation

/// Alibaba Cloud SMS upstream messages (SmsUp, "HTTP 批量推送"): a JSON array, possibly several messages.
///
/// Configure the upstream-message callback as `{PUBLIC_BASE_URL}/v1/sms/aliyun?token={ALIYUN_SMS_TOKEN}`:
/// Alibaba Cloud signs nothing, so the token is the credential. `sequence_id` with the sender's
/// phone is the natural key (`source.extra.sequence_id` keeps the id as sent);
/// `send_time` is Beijing time. The reply must be JSON with a numeric `code` of 0.
public struct AliyunProvider: SMSProvider {
    public let name: String
    let token: URLTokenAuthentication

    public init(name: String = "aliyun", token: String) {
        self.name = name
        self.token = URLTokenAuthentication(token: token)
    }

    public var acknowledgement: SMSReply {
        SMSReply(contentType: "application/json; charset=utf-8", body: #"{"code":0,"msg":"接收成功"}"#)
    }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication { token.authenticate(request) }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        let root = try SMSJSON.parse(request.body)
        let items: [JSONValue]
        switch root {
        case .array(let values): items = values
        case .object: items = [root]
        default: throw SMSParseError("expected a JSON array of messages")
        }
        var messages: [SMSMessage] = []
        var problems: [String] = []
        for (index, item) in items.enumerated() {
            // One unreadable item must not hold back the others: the answer is success either way,
            // and Alibaba Cloud pushes nothing again.
            do {
                if let message = try message(item, at: index, receivedAt: receivedAt) { messages.append(message) }
            } catch {
                problems.append(error.message)
            }
        }
        if !problems.isEmpty {
            guard !messages.isEmpty else { throw SMSParseError(problems.joined(separator: "; ")) }
            return .partial(messages: messages, problems: problems)
        }
        return messages.isEmpty ? .ignored(reason: "no upstream messages in the batch") : .messages(messages)
    }

    /// The batch's item `index`; nil for a delivery report pushed to the same URL.
    private func message(_ item: JSONValue, at index: Int, receivedAt: Date) throws(SMSParseError) -> SMSMessage? {
        let what = "[\(index)]"
        let fields = try SMSJSON.object(item, what)
        if fields["content"] == nil, fields["report_time"] != nil || fields["success"] != nil { return nil }
        let sequenceID = try SMSJSON.text(fields, "sequence_id", in: what)
        let phone = try SMSJSON.text(fields, "phone_number", in: what)
        let text = try SMSJSON.text(fields, "content", in: what)
        let sent = fields["send_time"]?.scalarText.flatMap { SMSTime.parseSpaced($0, offset: "+08:00") }
        var extra = fields
        for key in ["phone_number", "content"] { extra[key] = nil }
        extra["sequence_id"] = .string(sequenceID)
        // Scoped by the sender, as Alibaba Cloud's documentation advises: a sequence id repeated
        // for another phone is another message. The phone enters as a hash: ids reach logs.
        let externalID = sequenceID + "/" + ContentHash.sha256Hex(Data(phone.utf8)).prefix(12)
        let draft = SMSDraft(
            adapter: name, externalID: externalID, from: phone, text: text, receivedAt: sent ?? receivedAt,
            extra: extra)
        return SMSMessage(draft: draft.complaint())
    }
}
