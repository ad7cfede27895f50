import ComplaintCore
import Foundation

/// Tencent Cloud SMS reply callback (短信回复): one JSON object per message.
///
/// Configure the reply callback as `{PUBLIC_BASE_URL}/v1/sms/tencent?token={TENCENT_SMS_TOKEN}`. Tencent
/// sends no message id, so the natural key is a hash of every field; two identical replies from one
/// number within the same second would merge. Status reports (a JSON array) are acknowledged, not stored.
public struct TencentProvider: SMSProvider {
    public let name: String
    let token: URLTokenAuthentication

    public init(name: String = "tencent", token: String) {
        self.name = name
        self.token = URLTokenAuthentication(token: token)
    }

    public var acknowledgement: SMSReply {
        SMSReply(contentType: "application/json; charset=utf-8", body: #"{"result":0,"errmsg":"OK"}"#)
    }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication { token.authenticate(request) }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        let root = try SMSJSON.parse(request.body)
        if case .array = root { return .ignored(reason: "status report, not a reply") }
        let fields = try SMSJSON.object(root, "body")
        let mobile = try SMSJSON.text(fields, "mobile")
        let nationCode = fields["nationcode"]?.scalarText ?? "86"
        let text = try SMSJSON.text(fields, "text")
        let time = fields["time"]?.scalarText ?? ""
        let sign = fields["sign"]?.scalarText ?? ""
        let extend = fields["extend"]?.scalarText ?? ""
        let key = [nationCode, mobile, time, sign, extend, text].joined(separator: "|")
        var extra = fields
        for name in ["mobile", "nationcode", "text"] { extra[name] = nil }
        let draft = SMSDraft(
            adapter: name, externalID: "sha256:" + ContentHash.sha256Hex(Data(key.utf8)),
            from: "+" + nationCode + mobile, text: text, receivedAt: SMSTime.unixSeconds(fields["time"]) ?? receivedAt,
            extra: extra)
        return .messages([SMSMessage(draft: draft.complaint())])
    }
}
