import ComplaintCore
import Foundation
import SMSAdapter
import Testing

/// Shapes real providers send beyond the plain text message: an MMS through Vonage's Messages
/// API, Plivo's MMS, Alibaba Cloud's compact time, a form whose Content-Type a proxy stripped.
@Suite struct ProviderShapesTests {
    let arrival = Date(timeIntervalSince1970: 1_795_000_000)

    func request(_ body: String, type: String?) -> SMSRequest {
        SMSRequest(
            path: "/", query: nil, headers: type.map { [SMSRequest.Header(name: "Content-Type", value: $0)] } ?? [],
            body: Data(body.utf8))
    }

    func drafts(_ result: SMSParseResult) -> [Complaint] {
        guard case .messages(let messages) = result else { return [] }
        return messages.map(\.draft)
    }

    @Test func vonageMessagesAPIMMSIsTakenWithItsCaption() throws {
        let body = """
            {"message_uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","to":"14155550100","from":"14155550123",
            "channel":"mms","message_type":"image","timestamp":"2026-11-20T03:12:00Z",
            "image":{"url":"https://api.nexmo.com/v3/media/1","caption":"Pothole on 5th Ave, 3 weeks now"}}
            """
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let record = try #require(
            drafts(try provider.parse(request(body, type: "application/json"), receivedAt: arrival)).first)
        #expect(record.text == "Pothole on 5th Ave, 3 weeks now")
        #expect(record.complainant.phone == "+14155550123")
        guard case .object(let image)? = record.source.extra["image"] else {
            Issue.record("the image is not kept")
            return
        }
        #expect(image["url"] == .string("https://api.nexmo.com/v3/media/1"))
        // Other channels' messages are still acknowledged and not taken.
        let whatsapp = body.replacingOccurrences(of: "\"mms\"", with: "\"whatsapp\"")
        guard case .ignored = try provider.parse(request(whatsapp, type: "application/json"), receivedAt: arrival)
        else {
            Issue.record("a WhatsApp message became a complaint")
            return
        }
    }

    @Test func plivoMMSBodyIsTheTextOnce() throws {
        let body =
            "From=8613812345678&To=14155550100&Type=mms&Body=%E4%BA%95%E7%9B%96%E4%B8%A2%E4%BA%86&MessageUUID=p-1"
        let record = try #require(
            drafts(
                try PlivoProvider(authToken: "x", publicURL: PublicURL(base: "https://gw.example.com")).parse(
                    request(body, type: "application/x-www-form-urlencoded"), receivedAt: arrival)
            ).first)
        #expect(record.text == "井盖丢了")
        #expect(record.source.extra["Body"] == nil)
        #expect(record.source.extra["Type"] == .string("mms"))
    }

    @Test func plivoEmptyTextBesideABodyIsNoText() throws {
        let body =
            "From=8613812345678&To=14155550100&Type=mms&Text=&Body=%E4%BA%95%E7%9B%96%E4%B8%A2%E4%BA%86&MessageUUID=p-2"
        let record = try #require(
            drafts(
                try PlivoProvider(authToken: "x", publicURL: PublicURL(base: "https://gw.example.com")).parse(
                    request(body, type: "application/x-www-form-urlencoded"), receivedAt: arrival)
            ).first)
        #expect(record.text == "井盖丢了")
        #expect(record.source.extra["Body"] == nil)
        #expect(record.source.extra["Text"] == .string(""))
    }

    @Test func aliyunCompactSendTimeIsBeijingTime() throws {
        let body = #"[{"phone_number":"13812345678","content":"停水","send_time":"20261120111200","sequence_id":"9"}]"#
        let record = try #require(
            drafts(try AliyunProvider(token: "t").parse(request(body, type: "application/json"), receivedAt: arrival))
                .first)
        #expect(RFC3339.format(record.receivedAt) == "2026-11-20T03:12:00Z")
    }

    @Test func aFormWithoutContentTypeIsStillAForm() {
        #expect(request("MessageSid=SM1&Body=hi", type: nil).isForm)
        #expect(!request(#"{"data":{}}"#, type: nil).isForm)
        #expect(!request("", type: nil).isForm)
        #expect(!request("a=b", type: "application/json").isForm)
    }
}
