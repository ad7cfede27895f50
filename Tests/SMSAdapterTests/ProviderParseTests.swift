import ComplaintCore
import Foundation
import SMSAdapter
import Testing

/// Parsing realistic bodies of every provider, and the callbacks that are not messages.
@Suite struct ProviderParseTests {
    let arrival = Date(timeIntervalSince1970: 1_795_000_000)
    let publicURL = PublicURL(base: "https://gw.example.com")

    func request(_ path: String, query: String? = nil, type: String, _ body: String) -> SMSRequest {
        SMSRequest(
            path: path, query: query, headers: [SMSRequest.Header(name: "Content-Type", value: type)],
            body: Data(body.utf8))
    }

    func drafts(_ result: SMSParseResult) -> [Complaint] {
        guard case .messages(let messages) = result else { return [] }
        return messages.map(\.draft)
    }

    /// A text message that names its place after a label gives it as the location's address.
    @Test func aLabelledAddressInTheTextIsTheLocation() throws {
        let body = #"[{"phone_number":"13812345678","content":"路灯不亮，地址：滨江区江南大道2号","sequence_id":7}]"#
        let records = drafts(
            try AliyunProvider(token: "t").parse(
                request("/v1/sms/aliyun", type: "application/json", body), receivedAt: arrival))
        #expect(records.map(\.location.address) == ["滨江区江南大道2号"])
        #expect(records.first?.text == "路灯不亮，地址：滨江区江南大道2号")
        // As texts are typed, without the colon: a connective, then a place.
        let typed = #"[{"phone_number":"13812345678","content":"路灯不亮，地点在滨江区江南大道2号","sequence_id":8}]"#
        let typedRecords = drafts(
            try AliyunProvider(token: "t").parse(
                request("/v1/sms/aliyun", type: "application/json", typed), receivedAt: arrival))
        #expect(typedRecords.map(\.location.address) == ["滨江区江南大道2号"])
    }

    /// Ids beyond a double's 2^53, sent as numbers: each keeps its own digits, so neither is
    /// taken for a duplicate of the other.
    @Test func aliyunLongNumericIDsStayDistinct() throws {
        let body = """
            [{"phone_number":"13812345678","content":"一","sequence_id":1234567890123456789},
             {"phone_number":"13812345678","content":"二","sequence_id":1234567890123456788},
             {"phone_number":"13812345678","content":"三","sequence_id":10000000000000000}]
            """
        let records = drafts(
            try AliyunProvider(token: "t").parse(
                request("/v1/sms/aliyun", type: "application/json", body), receivedAt: arrival))
        #expect(
            records.map { $0.source.extra["sequence_id"] }
                == ["1234567890123456789", "1234567890123456788", "10000000000000000"].map(JSONValue.string))
        #expect(Set(records.map(\.source.externalID)).count == 3)
    }

    @Test func aliyunBatchOfTwoWithNumericAndStringIDs() throws {
        let body = """
            [{"phone_number":"13812345678","content":"小区停水三天了","send_time":"2026-11-20 11:12:00",\
            "dest_code":"1234","sequence_id":1234567890},
             {"phone_number":"8613900001111","content":"路灯不亮 💡","send_time":"2026-11-20 11:13:00",\
            "dest_code":"1234","sequence_id":"1234567891","sign_name":"市民热线"}]
            """
        let provider = AliyunProvider(token: "t")
        let records = drafts(
            try provider.parse(request("/v1/sms/aliyun", type: "application/json", body), receivedAt: arrival))
        #expect(records.count == 2)
        #expect(records.map { $0.source.extra["sequence_id"] } == [.string("1234567890"), .string("1234567891")])
        #expect(records[0].source.externalID?.hasPrefix("1234567890/") == true)
        #expect(records.map(\.complainant.phone) == ["+8613812345678", "+8613900001111"])
        #expect(records[0].text == "小区停水三天了")
        #expect(RFC3339.format(records[0].receivedAt) == "2026-11-20T03:12:00Z")  // Beijing time
        #expect(records[0].source.extra["dest_code"] == .string("1234"))
        #expect(records[1].source.extra["sign_name"] == .string("市民热线"))
        #expect(provider.acknowledgement.body == #"{"code":0,"msg":"接收成功"}"#)
    }

    /// Alibaba Cloud's documentation advises scoping `sequence_id` by the sender.
    @Test func aliyunSameSequenceIDFromAnotherPhoneIsAnotherMessage() throws {
        let body = """
            [{"phone_number":"13812345678","content":"一","sequence_id":"9"},
             {"phone_number":"13900001111","content":"二","sequence_id":"9"}]
            """
        let records = drafts(
            try AliyunProvider(token: "t").parse(
                request("/v1/sms/aliyun", type: "application/json", body), receivedAt: arrival))
        let ids = records.compactMap(\.source.externalID)
        #expect(ids.count == 2 && ids[0] != ids[1])
        #expect(ids.allSatisfy { $0.hasPrefix("9/") && !$0.contains("138") && !$0.contains("139") })
    }

    @Test func aliyunDeliveryReportsAreIgnored() throws {
        let body =
            #"[{"phone_number":"1381111****","send_time":"2017-01-01 00:00:00","report_time":"2017-01-01 00:00:00","success":true,"err_code":"DELIVERED","biz_id":"1"}]"#
        let result = try AliyunProvider(token: "t").parse(
            request("/", type: "application/json", body), receivedAt: arrival)
        guard case .ignored = result else {
            Issue.record("a delivery report became a message")
            return
        }
    }

    @Test func aliyunMissingContentIsAnError() {
        let body = #"[{"phone_number":"13812345678","sequence_id":"9"}]"#
        #expect(throws: SMSParseError("[0].content: required field is missing")) {
            try AliyunProvider(token: "t").parse(request("/", type: "application/json", body), receivedAt: arrival)
        }
    }

    @Test func tencentReplyHasSyntheticStableKey() throws {
        let body =
            #"{"extend":"","mobile":"13812345678","nationcode":"86","sign":"市民热线","text":"噪音扰民 😠","time":1795000000}"#
        let provider = TencentProvider(token: "t")
        let first = drafts(try provider.parse(request("/", type: "application/json", body), receivedAt: arrival))
        let again = drafts(
            try provider.parse(request("/", type: "application/json", body), receivedAt: arrival.addingTimeInterval(60))
        )
        #expect(first.first?.complainant.phone == "+8613812345678")
        #expect(first.first?.text == "噪音扰民 😠")
        #expect(first.first?.receivedAt == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(first.first?.source.externalID?.hasPrefix("sha256:") == true)
        #expect(first.first?.source.externalID == again.first?.source.externalID)
        #expect(provider.acknowledgement.body == #"{"result":0,"errmsg":"OK"}"#)
    }

    @Test func tencentStatusReportArrayIsIgnored() throws {
        let body =
            #"[{"user_receive_time":"2015-10-17 08:03:04","nationcode":"86","mobile":"13xxxxxxxxx","report_status":"SUCCESS","errmsg":"DELIVRD","description":"用户短信送达成功","sid":"x"}]"#
        guard
            case .ignored = try TencentProvider(token: "t").parse(
                request("/", type: "application/json", body), receivedAt: arrival)
        else {
            Issue.record("status report became a message")
            return
        }
    }

    @Test(
        arguments: [
            ("aliyun", nil, "missing_token"), ("aliyun", "token=wrong", "bad_token"),
            ("aliyun", "token=0123456789abcdef0123456789", "accepted"),
            ("tencent", "x=1&token=0123456789abcdef0123456789", "accepted"), ("tencent", "token=", "missing_token"),
        ] as [(String, String?, String)])
    func urlToken(_ provider: String, _ query: String?, _ expected: String) {
        let token = "0123456789abcdef0123456789"
        let subject: any SMSProvider =
            provider == "aliyun" ? AliyunProvider(token: token) : TencentProvider(token: token)
        let verdict = subject.authenticate(
            request("/v1/sms/\(provider)", query: query, type: "application/json", "[]"), now: arrival)
        switch verdict {
        case .accepted: #expect(expected == "accepted")
        case .rejected(let rejection): #expect(rejection.code == expected)
        }
    }

    @Test func twilioStatusCallbackIsIgnored() throws {
        let provider = TwilioProvider(authToken: "x", publicURL: publicURL)
        let body = "MessageSid=SM1&MessageStatus=delivered&SmsStatus=delivered&To=%2B14155550100"
        guard
            case .ignored = try provider.parse(
                request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
        else {
            Issue.record("a status callback became a message")
            return
        }
        #expect(
            provider.acknowledgement
                == SMSReply(status: 200, contentType: "text/xml; charset=utf-8", body: "<Response/>"))
    }

    @Test func twilioKeepsUnmappedFieldsAndMedia() throws {
        let provider = TwilioProvider(authToken: "x", publicURL: publicURL)
        let body =
            "MessageSid=MM1&From=%2B14155550123&Body=&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2F1&FromCity=&SmsStatus=received"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.text == "")
        #expect(record.source.extra["MediaUrl0"] == .string("https://api.twilio.com/m/1"))
        #expect(record.source.extra["FromCity"] == .string(""))
        #expect(record.source.extra["MessageSid"] == nil)
    }

    @Test func vonageAlphanumericSenderAndConcatFieldsAreKept() throws {
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let body =
            "msisdn=VONAGE&to=14155550100&messageId=0A0000000123ABCD&text=part+one+&type=text&concat=true&concat-ref=108&concat-total=2&concat-part=1&message-timestamp=2026-11-20+03%3A12%3A00"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.complainant.phone == nil)
        #expect(record.source.extra["from_raw"] == .string("VONAGE"))
        #expect(record.source.extra["concat-ref"] == .string("108"))
        #expect(RFC3339.format(record.receivedAt) == "2026-11-20T03:12:00Z")
    }

    /// Vonage's API reference writes `message-timestamp` with its zone: `2020-01-01 12:00:00 +0000`.
    @Test(
        "a provider time with its zone written after it is read at that zone",
        arguments: [
            ("2026-11-20+03%3A12%3A00+%2B0000", "2026-11-20T03:12:00Z"),
            ("2026-11-20+03%3A12%3A00+%2B00%3A00", "2026-11-20T03:12:00Z"),
            ("2026-11-20+11%3A12%3A00%2B0800", "2026-11-20T03:12:00Z"),
            ("2026-11-20+03%3A12%3A00Z", "2026-11-20T03:12:00Z"),
            ("2026-11-20+03%3A12%3A00+UTC", "2026-11-20T03:12:00Z"),
            ("2026-11-20+03%3A12%3A00+later", "2026-11-18T11:06:40Z"),
        ])
    func vonageTimestampWithItsZone(written: String, expected: String) throws {
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let body = "msisdn=8613812345678&to=14155550100&messageId=0A01&text=x&type=text&message-timestamp=\(written)"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(RFC3339.format(record.receivedAt) == expected)
    }

    @Test func twilioWhatsAppSenderIsItsNumber() throws {
        let provider = TwilioProvider(authToken: "x", publicURL: publicURL)
        let body =
            "MessageSid=SM9&From=whatsapp%3A%2B8613812345678&To=whatsapp%3A%2B14155550100&Body=%E5%99%AA%E9%9F%B3&WaId=8613812345678&ProfileName=Wang"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.source.extra["from_raw"] == .string("whatsapp:+8613812345678"))
        #expect(record.text == "噪音")
    }

    @Test(arguments: ["rcs", "RCS", "messenger"])
    func twilioSenderOnAnotherChannelIsItsNumber(channel: String) throws {
        let provider = TwilioProvider(authToken: "x", publicURL: publicURL)
        let body = "MessageSid=SM9&From=\(channel)%3A%2B8613812345678&To=%2B14155550100&Body=x"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.source.extra["from_raw"] == .string("\(channel):+8613812345678"))
    }

    @Test func twilioPageScopedSenderStaysRaw() throws {
        let provider = TwilioProvider(authToken: "x", publicURL: publicURL)
        let body = "MessageSid=SM9&From=messenger%3A2948576302&To=%2B14155550100&Body=x"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.complainant.phone == nil)
        #expect(record.source.extra["from_raw"] == .string("messenger:2948576302"))
    }

    @Test func vonageSenderNotInE164KeepsItsDigitsAsSent() throws {
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let body = "msisdn=008613812341111&to=14155550100&messageId=0A01&text=x&type=text"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.complainant.phone == nil)
        #expect(record.source.extra["from_raw"] == .string("008613812341111"))
    }

    @Test func vonageConcatPartKeepsItsTextAsSent() throws {
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let body =
            "msisdn=8613812345678&to=14155550100&messageId=0A01&text=every+night%2C+even+&type=text&concat=true&concat-ref=9&concat-total=2&concat-part=1"
        let record = try #require(
            drafts(
                try provider.parse(request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
            ).first)
        #expect(record.source.extra[ConcatAssembler.partTextKey] == .string("every night, even "))
        let second = Complaint(
            id: "", channel: .sms, receivedAt: arrival, ingestedAt: arrival,
            source: .init(
                adapter: "vonage", externalID: "0A02", extra: [ConcatAssembler.partTextKey: .string("\nthough")]),
            complainant: .init(),
            text: "though")
        let joined = try #require(ConcatAssembler.assemble([(1, record), (2, second)], total: 2))
        #expect(joined.text == "every night, even \nthough")
        #expect(joined.source.extra[ConcatAssembler.partTextKey] == nil)
        #expect(joined.source.extra["concat_conflicting_parts"] == nil)

        // Another message claiming a taken place is not joined in, and not lost unseen either.
        var rival = second
        rival.source.externalID = "0A09"
        rival.source.extra[ConcatAssembler.partTextKey] = .string("EVIL")
        let guarded = try #require(
            ConcatAssembler.assemble([(1, record), (2, second), (2, rival), (2, second)], total: 2))
        #expect(guarded.text == "every night, even \nthough")
        #expect(
            guarded.source.extra["concat_conflicting_parts"]
                == .array([.object(["part": .number(2), "message_id": .string("0A09"), "text": .string("EVIL")])]))
    }

    @Test func vonageDeliveryReceiptIsIgnored() throws {
        let provider = VonageProvider(secret: "s", method: .md5hash, timestamps: WebhookTimestamp())
        let body =
            "msisdn=14155550100&to=Vonage&network-code=310090&messageId=0A00&price=0.0333&status=delivered&scts=2001011400&err-code=0"
        guard
            case .ignored = try provider.parse(
                request("/", type: "application/x-www-form-urlencoded", body), receivedAt: arrival)
        else {
            Issue.record("a receipt became a message")
            return
        }
    }

    @Test func telnyxOtherEventsAreIgnored() throws {
        let provider = TelnyxProvider(
            publicKey: try #require(
                TelnyxSignature.publicKey(base64: SignatureVectors.shared.secrets["telnyx_public_key"]!)),
            timestamps: WebhookTimestamp())
        let body = #"{"data":{"event_type":"message.finalized","id":"e1","payload":{"id":"m1"}}}"#
        guard case .ignored = try provider.parse(request("/", type: "application/json", body), receivedAt: arrival)
        else {
            Issue.record("an outbound event became a message")
            return
        }
    }

    @Test func genericNestedPathsAndWebhookIDFallback() throws {
        let provider = GenericJSONProvider(
            key: try #require(StandardWebhooksSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
            fields: .init(id: "data.message_id", from: "data.sender.number", text: "data.body", receivedAt: "data.at"),
            timestamps: WebhookTimestamp())
        let body =
            #"{"type":"sms.received","data":{"sender":{"number":"+44 20 7946 0958"},"body":"Bin not collected","at":1795000000}}"#
        var smsRequest = request("/v1/sms/generic", type: "application/json", body)
        smsRequest.headers.append(SMSRequest.Header(name: "Webhook-Id", value: "msg_abc"))
        let record = try #require(drafts(try provider.parse(smsRequest, receivedAt: arrival)).first)
        #expect(record.source.externalID == "msg_abc")
        #expect(record.complainant.phone == "+442079460958")
        #expect(record.text == "Bin not collected")
        #expect(record.receivedAt == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(record.source.extra["type"] == .string("sms.received"))
    }

    @Test func genericReceiveTimeAsADigitStringIsReadAnUnreadableOneIsKept() throws {
        let provider = GenericJSONProvider(
            key: try #require(StandardWebhooksSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
            fields: .init(), timestamps: WebhookTimestamp())
        func record(_ time: String) throws -> Complaint {
            let body = #"{"id":"m1","from":"+8613812345678","text":"路灯不亮","received_at":"\#(time)"}"#
            return try #require(
                drafts(try provider.parse(request("/", type: "application/json", body), receivedAt: arrival)).first)
        }
        let digits = try record("1795000000")
        #expect(digits.receivedAt == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(digits.source.extra["received_at"] == nil)
        let unreadable = try record("yesterday")
        #expect(unreadable.receivedAt == arrival)
        #expect(unreadable.source.extra["received_at"] == .string("yesterday"))
    }

    @Test func aTimestampInMillisecondsIsNamedAsSuch() throws {
        let provider = GenericJSONProvider(
            key: try #require(StandardWebhooksSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
            fields: .init(), timestamps: WebhookTimestamp())
        var smsRequest = request("/", type: "application/json", "{}")
        smsRequest.headers += [
            SMSRequest.Header(name: "webhook-id", value: "msg_1"),
            SMSRequest.Header(name: "webhook-timestamp", value: "1795000000000"),
            SMSRequest.Header(name: "webhook-signature", value: "v1,AAAA"),
        ]
        guard case .rejected(let rejection) = provider.authenticate(smsRequest, now: arrival) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.code == "bad_timestamp")
        #expect(rejection.message == "header webhook-timestamp looks like milliseconds; unix seconds are expected")
    }

    @Test func genericMissingTextNamesThePath() throws {
        let provider = GenericJSONProvider(
            key: try #require(StandardWebhooksSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
            fields: .init(), timestamps: WebhookTimestamp())
        #expect(throws: SMSParseError("text: required text is missing")) {
            try provider.parse(
                self.request("/", type: "application/json", #"{"from":"+8613812345678"}"#), receivedAt: arrival)
        }
    }
}
