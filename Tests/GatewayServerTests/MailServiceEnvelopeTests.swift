import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// Amazon SES (a receipt rule's SNS action: SNS posts its JSON as text/plain) and Mandrill's inbound
/// webhook (a form whose `mandrill_events` holds several messages) post the raw message inside an
/// envelope of their own.
@Suite("POST /v1/email from Amazon SES through SNS, and from Mandrill's inbound webhook")
struct MailServiceEnvelopeTests {
    /// 路灯不亮已经一周。 in GBK.
    private static let gbkText: [UInt8] = [
        0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1, 0xD2, 0xD1, 0xBE, 0xAD, 0xD2, 0xBB, 0xD6, 0xDC, 0xA1, 0xA3,
    ]

    private static func mail(id: String, body: [UInt8], charset: String = "utf-8") -> [UInt8] {
        Array(
            ("From: =?utf-8?B?\(Data("王先生".utf8).base64EncodedString())?= <citizen@example.cn>\r\n"
                + "To: complaints@hotline.example.gov.cn\r\nSubject: street light\r\nMessage-ID: <\(id)>\r\n"
                + "Date: Mon, 07 Dec 2026 09:12:03 +0800\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=\(charset)\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").utf8)
            + body + Array("\r\n".utf8)
    }

    private static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// An SNS notification as SNS posts it, the SES receipt notification as its `Message`.
    private static func sns(type: String = "Notification", message: String, extra: [String: Any] = [:]) throws -> Data {
        var envelope: [String: Any] = [
            "Type": type, "MessageId": UUID().uuidString.lowercased(),
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-inbound",
            "Message": message, "Timestamp": "2026-12-07T01:12:04.512Z", "SignatureVersion": "1",
            "Signature": "EXAMPLEpH+..",
            "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        ]
        envelope.merge(extra) { $1 }
        return Data(try json(envelope).utf8)
    }

    private static func sesReceived(content: String?, encoding: String) throws -> String {
        var notification: [String: Any] = [
            "notificationType": "Received",
            "mail": [
                "timestamp": "2026-12-07T01:12:03.000Z", "source": "citizen@example.cn",
                "messageId": "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "destination": ["complaints@example.gov.cn"],
            ],
            "receipt": [
                "recipients": ["complaints@example.gov.cn"], "spamVerdict": ["status": "PASS"],
                "action": [
                    "type": "SNS", "topicArn": "arn:aws:sns:us-east-1:123456789012:ses-inbound", "encoding": encoding,
                ],
            ],
        ]
        if let content { notification["content"] = content }
        return try json(notification)
    }

    private func postSNS(_ gateway: RunningGateway, _ body: Data, kind: String = "Notification") async throws
        -> RunningGateway.Reply
    {
        try await gateway.request(
            .post, "/v1/email", body: body,
            headers: [("Content-Type", "text/plain; charset=UTF-8"), ("x-amz-sns-message-type", kind)])
    }

    private static func record(_ gateway: RunningGateway, _ id: String) async throws -> [String: Any] {
        let detail = try await gateway.request(.get, "/v1/complaints/\(id)")
        return try #require(detail.json["record"] as? [String: Any])
    }

    private static func disposition(_ gateway: RunningGateway, _ rawID: String) async throws -> String {
        try await sqlite(gateway.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
    }

    @Test(
        "SES's mail in an SNS notification, UTF-8 and Base64 (GBK 8-bit): a complaint each; SNS's retry is the duplicate"
    )
    func sesThroughSNS() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let utf8 = String(decoding: Self.mail(id: "ses-1@example.cn", body: Array("路灯不亮已经一周。".utf8)), as: UTF8.self)
        let first = try Self.sns(message: try Self.sesReceived(content: utf8, encoding: "UTF8"))
        let reply = try await postSNS(gateway, first)
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let id = try #require(reply.json["id"] as? String)
        let record = try await Self.record(gateway, id)
        #expect(record["text"] as? String == "路灯不亮已经一周。")
        #expect((record["complainant"] as? [String: Any])?["name"] as? String == "王先生")
        #expect((record["source"] as? [String: Any])?["external_id"] as? String == "ses-1@example.cn")
        let retry = try await postSNS(gateway, first)
        #expect(retry.status == 200)
        #expect(retry.json["duplicate"] as? Bool == true)
        #expect(retry.json["id"] as? String == id)

        let gbk = Data(Self.mail(id: "ses-2@example.cn", body: Self.gbkText, charset: "gb2312")).base64EncodedString()
        let second = try await postSNS(
            gateway, try Self.sns(message: try Self.sesReceived(content: gbk, encoding: "BASE64")))
        #expect(second.status == 201, "\(second.errorMessage ?? "")")
        let other = try await Self.record(gateway, try #require(second.json["id"] as? String))
        #expect(other["text"] as? String == "路灯不亮已经一周。")
        // With the subscription's raw message delivery on, the body is SES's notification itself.
        let rawDelivery = String(decoding: Self.mail(id: "ses-3@example.cn", body: Array("井盖丢失。".utf8)), as: UTF8.self)
        let third = try await gateway.request(
            .post, "/v1/email", body: Data(try Self.sesReceived(content: rawDelivery, encoding: "UTF8").utf8),
            headers: [
                ("Content-Type", "text/plain; charset=UTF-8"), ("x-amz-sns-message-type", "Notification"),
                ("x-amz-sns-rawdelivery", "true"),
            ])
        #expect(third.status == 201, "\(third.errorMessage ?? "")")
        // The stored raw payload is the message itself, as any raw message's is.
        let rawID = try #require((record["source"] as? [String: Any])?["raw_id"] as? String)
        let stored = try await sqlite(
            gateway.databasePath,
            "SELECT content_type || ' ' || hex(substr(body, 1, 5)) FROM raw_payloads WHERE id = '\(rawID)'")
        #expect(stored == "message/rfc822 " + Data("From:".utf8).map { String(format: "%02X", $0) }.joined())
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "SNS's subscription confirmation and a notification without the mail are kept in quarantine, saying what to do")
    func snsNoticesKept() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let subscribe = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn&Token=2336412f37"
        let confirmation = try Self.sns(
            type: "SubscriptionConfirmation", message: "You have chosen to subscribe to the topic …",
            extra: ["SubscribeURL": subscribe, "Token": "2336412f37"])
        let reply = try await postSNS(gateway, confirmation, kind: "SubscriptionConfirmation")
        #expect(reply.status == 200)
        #expect(reply.json["ignored"] as? Bool == true)
        #expect((reply.json["reason"] as? String)?.contains(subscribe) == true)
        let rawID = try #require(reply.json["raw_id"] as? String)
        #expect(try await Self.disposition(gateway, rawID) == "quarantined")
        let listed = try await gateway.request(.get, "/v1/quarantine")
        let items = try #require(listed.json["items"] as? [[String: Any]])
        #expect((items.first { $0["id"] as? String == rawID }?["error"] as? String)?.contains("SubscribeURL") == true)

        let s3Only = try await postSNS(
            gateway, try Self.sns(message: try Self.sesReceived(content: nil, encoding: "UTF8")))
        #expect(s3Only.status == 200)
        #expect((s3Only.json["reason"] as? String)?.contains("add an SNS action") == true)
        #expect(try await Self.disposition(gateway, try #require(s3Only.json["raw_id"] as? String)) == "quarantined")

        let bounce = try await postSNS(
            gateway,
            try Self.sns(message: try Self.json(["notificationType": "Bounce", "bounce": ["bounceType": "Permanent"]])))
        #expect(bounce.status == 200)
        #expect(bounce.json["reason"] as? String == "an Amazon SNS Notification Bounce, which holds no mail")
        #expect(try await Self.disposition(gateway, try #require(bounce.json["raw_id"] as? String)) == "ignored")

        let notSNS = try await postSNS(gateway, Data("Subject: hello\r\n\r\nhi".utf8))
        #expect(notSNS.status == 400)
        #expect(notSNS.errorCode == "not_sns")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    /// A Mandrill webhook post: `mandrill_events` URL-encoded, as Mandrill sends it.
    private static func mandrillForm(_ events: [[String: Any]]) throws -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        allowed.insert(" ")
        // Spaces as `+`, as Mandrill's form encoding (and every HTML form's) writes them.
        let value = try json(events).addingPercentEncoding(withAllowedCharacters: allowed)!
            .replacingOccurrences(of: " ", with: "+")
        return Data("mandrill_events=\(value)".utf8)
    }

    private static func inbound(_ raw: String) -> [String: Any] {
        [
            "event": "inbound", "ts": 1_796_000_000,
            "msg": [
                "raw_msg": raw, "email": "complaints@example.gov.cn", "from_email": "citizen@example.cn",
                "subject": "street light", "text": "…", "tags": [] as [String], "spam_report": ["score": 0],
            ] as [String: Any],
        ]
    }

    @Test("Mandrill's events: each message a complaint, a body that is not a message refused alone, a retry duplicates")
    func mandrill() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let head = try await gateway.request(.head, "/v1/email", token: nil, headers: [])
        #expect(head.status == 200)
        let one = String(decoding: Self.mail(id: "md-1@example.cn", body: Array("路灯不亮。".utf8)), as: UTF8.self)
        let two = String(decoding: Self.mail(id: "md-2@example.cn", body: Array("井盖丢失。".utf8)), as: UTF8.self)
        let form = try Self.mandrillForm([
            Self.inbound(one), Self.inbound("not a message at all"), ["event": "whitelist", "ts": 1], Self.inbound(two),
        ])
        let type = [("Content-Type", "application/x-www-form-urlencoded")]
        let reply = try await gateway.request(.post, "/v1/email", body: form, headers: type)
        #expect(reply.status == 200, "\(reply.errorMessage ?? "")")
        let messages = try #require(reply.json["messages"] as? [[String: Any]])
        #expect(messages.count == 4)
        let first = try #require(messages.first?["id"] as? String)
        #expect(messages[0]["duplicate"] as? Bool == false)
        let refusal = messages[1]["error"] as? [String: Any]
        #expect(refusal?["code"] as? String == "not_a_message")
        #expect(try await Self.disposition(gateway, try #require(refusal?["raw_id"] as? String)) == "quarantined")
        #expect(messages[2]["ignored"] as? Bool == true)
        #expect(messages[3]["duplicate"] as? Bool == false)
        #expect(try await Self.record(gateway, first)["text"] as? String == "路灯不亮。")
        let kept = try #require(reply.json["events_kept_raw_id"] as? String)
        #expect(try await Self.disposition(gateway, kept) == "ignored")

        let retry = try await gateway.request(.post, "/v1/email", body: form, headers: type)
        let again = try #require(retry.json["messages"] as? [[String: Any]])
        #expect(again.compactMap { $0["duplicate"] as? Bool } == [true, true])
        #expect(again.first?["id"] as? String == first)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")

        let broken = try await gateway.request(
            .post, "/v1/email", body: Data("mandrill_events=%7Bnot".utf8), headers: type)
        #expect(broken.status == 400)
        #expect(broken.errorCode == "malformed_mandrill_events")
        try await gateway.stop()
        await downstream.stop()
    }
}
