import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// Forwarding services set up to parse the mail themselves post its parts, not the message:
/// SendGrid's Inbound Parse by default, a Mailgun route's forward() to a URL not ending in `mime`.
/// SendGrid does not retry a 4xx, so a refusal would lose the mail: the message is rebuilt.
@Suite("POST /v1/email with a forwarder's parsed mail")
struct ParsedMailFormTests {
    private static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01])
    /// 路灯不亮已经一周。 in GBK.
    private static let gbkText: [UInt8] = [
        0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1, 0xD2, 0xD1, 0xBE, 0xAD, 0xD2, 0xBB, 0xD6, 0xDC, 0xA1, 0xA3,
    ]
    private static let boundary = "xYzZY"

    /// A form part: a text field, or a file field with its type.
    private static func part(_ name: String, _ value: Data, file: (String, String)? = nil) -> Data {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
        if let (filename, type) = file { head += "; filename=\"\(filename)\"\r\nContent-Type: \(type)" }
        return Data((head + "\r\n\r\n").utf8) + value + Data("\r\n".utf8)
    }

    private static func part(_ name: String, _ value: String) -> Data { part(name, Data(value.utf8)) }

    private func post(_ gateway: RunningGateway, _ body: Data, type: String) async throws -> RunningGateway.Reply {
        try await gateway.request(.post, "/v1/email", body: body, headers: [("Content-Type", type)])
    }

    private static func record(_ gateway: RunningGateway, _ id: String) async throws -> [String: Any] {
        let detail = try await gateway.request(.get, "/v1/complaints/\(id)")
        return try #require(detail.json["record"] as? [String: Any])
    }

    @Test("SendGrid's parsed fields: headers, GBK text by its charsets, HTML, a photo; a retry is the same complaint")
    func sendGrid() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let headers = [
            "Received: by mx0047p1mdw1.sendgrid.net with SMTP id abc",
            "From: =?utf-8?B?\(Data("王先生".utf8).base64EncodedString())?= <citizen@example.cn>",
            "To: complaints@hotline.example.gov.cn",
            "Subject: =?GB2312?B?\(Data([0xCD, 0xB6, 0xCB, 0xDF]).base64EncodedString())?=",
            "Message-ID: <sg-parsed-1@example.cn>",
            "Date: Mon, 07 Dec 2026 09:12:03 +0800",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            "\tboundary=\"----=_Part_0_1\"",
        ].joined(separator: "\n")
        var body = Self.part("headers", headers)
        body += Self.part("dkim", "{@example.cn : pass}")
        body += Self.part("to", "complaints@hotline.example.gov.cn")
        body += Self.part("html", Data("<p>".utf8) + Data(Self.gbkText) + Data("</p>".utf8))
        body += Self.part("from", "王先生 <citizen@example.cn>")
        body += Self.part("text", Data(Self.gbkText))
        body += Self.part("sender_ip", "203.0.113.7")
        body += Self.part("envelope", #"{"to":["complaints@hotline.example.gov.cn"],"from":"citizen@example.cn"}"#)
        body += Self.part("attachments", "1")
        body += Self.part("subject", "投诉")
        body += Self.part(
            "attachment-info", #"{"attachment1":{"filename":"现场.jpg","name":"现场.jpg","type":"image/jpeg"}}"#)
        body += Self.part(
            "charsets", #"{"to":"UTF-8","html":"GB2312","subject":"UTF-8","from":"UTF-8","text":"GB2312"}"#)
        body += Self.part("SPF", "pass")
        body += Self.part("attachment1", Self.photo, file: ("现场.jpg", "image/jpeg"))
        body += Data("--\(Self.boundary)--\r\n".utf8)
        let reply = try await post(gateway, body, type: "multipart/form-data; boundary=\(Self.boundary)")
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let id = try #require(reply.json["id"] as? String)
        let record = try await Self.record(gateway, id)
        #expect(record["text"] as? String == "路灯不亮已经一周。")
        #expect(record["subject"] as? String == "投诉")
        let complainant = try #require(record["complainant"] as? [String: Any])
        #expect(complainant["email"] as? String == "citizen@example.cn")
        #expect(complainant["name"] as? String == "王先生")
        #expect((record["source"] as? [String: Any])?["external_id"] as? String == "sg-parsed-1@example.cn")
        let files = try #require(record["attachments"] as? [[String: Any]])
        #expect(files.map { $0["filename"] as? String } == ["现场.jpg"])
        #expect(files.map { $0["content_type"] as? String } == ["image/jpeg"])
        let file = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0")
        #expect(file.body == Self.photo)
        let kept = try await sqlite(gateway.databasePath, "SELECT headers FROM raw_payloads")
        #expect(kept.contains("X-Gateway-Rebuilt-From") && kept.contains("SendGrid Inbound Parse fields"), "\(kept)")
        let again = try await post(gateway, body, type: "multipart/form-data; boundary=\(Self.boundary)")
        #expect(again.status == 200)
        #expect(again.json["id"] as? String == id)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Mailgun's parsed mail: URL-encoded without files, multipart with a file and its Content-ID")
    func mailgun() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        func headers(_ id: String) -> String {
            let pairs: [[String]] = [
                ["Received", "from mail-ej1-f41.google.com by mxa.mailgun.org with ESMTP"],
                ["Content-Type", "multipart/alternative; boundary=\"000000000000b1\""],
                ["Mime-Version", "1.0"], ["From", "市民 <citizen@example.cn>"],
                ["Subject", "噪音扰民"], ["Message-Id", "<\(id)@mail.gmail.com>"],
                ["To", "complaints@hotline.example.gov.cn"],
            ]
            return String(decoding: try! JSONSerialization.data(withJSONObject: pairs), as: UTF8.self)
        }
        var query = URLComponents()
        query.queryItems = [
            URLQueryItem(name: "recipient", value: "complaints@hotline.example.gov.cn"),
            URLQueryItem(name: "sender", value: "citizen@example.cn"),
            URLQueryItem(name: "subject", value: "噪音扰民"),
            URLQueryItem(name: "body-plain", value: "晚上11点还在施工，噪音很大。\n\n> 上一封邮件"),
            URLQueryItem(name: "stripped-text", value: "晚上11点还在施工，噪音很大。"),
            URLQueryItem(name: "message-headers", value: headers("mg-1")),
            URLQueryItem(name: "timestamp", value: "1796000000"),
            URLQueryItem(name: "token", value: String(repeating: "a", count: 50)),
            URLQueryItem(name: "signature", value: String(repeating: "0", count: 64)),
        ]
        let encoded = try #require(query.percentEncodedQuery).replacingOccurrences(of: "+", with: "%2B")
        let plain = try await post(gateway, Data(encoded.utf8), type: "application/x-www-form-urlencoded")
        #expect(plain.status == 201, "\(plain.errorMessage ?? "")")
        let plainRecord = try await Self.record(gateway, try #require(plain.json["id"] as? String))
        #expect((plainRecord["text"] as? String)?.hasPrefix("晚上11点还在施工，噪音很大。") == true, "\(plainRecord)")
        #expect(plainRecord["subject"] as? String == "噪音扰民")

        var body = Self.part("message-headers", headers("mg-2"))
        body += Self.part("body-plain", "井盖丢失，见照片。")
        body += Self.part("body-html", "<div>井盖丢失，见照片。<img src=\"cid:ii_1\"></div>")
        body += Self.part("attachment-count", "1")
        body += Self.part("content-id-map", #"{"<ii_1>": "attachment-1"}"#)
        body += Self.part("attachment-1", Self.photo, file: ("IMG_0001.JPG", "image/jpeg"))
        body += Data("--\(Self.boundary)--\r\n".utf8)
        let withFile = try await post(gateway, body, type: "multipart/form-data; boundary=\(Self.boundary)")
        #expect(withFile.status == 201, "\(withFile.errorMessage ?? "")")
        let id = try #require(withFile.json["id"] as? String)
        let record = try await Self.record(gateway, id)
        #expect((record["text"] as? String)?.hasPrefix("井盖丢失，见照片。") == true)
        let files = try #require(record["attachments"] as? [[String: Any]])
        #expect(files.map { $0["filename"] as? String } == ["IMG_0001.JPG"])
        let file = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0")
        #expect(file.body == Self.photo)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Postmark's inbound JSON: rebuilt from its fields and base64 files, or RawEmail taken as it is")
    func postmark() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let webhook: [String: Any] = [
            "FromName": "王先生", "MessageStream": "inbound", "From": "citizen@example.cn",
            "FromFull": ["Email": "citizen@example.cn", "Name": "王先生", "MailboxHash": ""],
            "To": "complaints@hotline.example.gov.cn", "Cc": "", "ReplyTo": "",
            "OriginalRecipient": "complaints@hotline.example.gov.cn", "Subject": "垃圾清运不及时",
            "MessageID": "22c74902-a0c1-4511-804f-341342852c90", "Date": "Mon, 7 Dec 2026 09:12:03 +0800",
            "MailboxHash": "", "TextBody": "小区垃圾三天没有清运。", "HtmlBody": "<p>小区垃圾三天没有清运。</p>",
            "StrippedTextReply": "", "Tag": "",
            "Headers": [
                ["Name": "X-Spam-Status", "Value": "No"], ["Name": "MIME-Version", "Value": "1.0"],
                ["Name": "Message-ID", "Value": "<pm-1@example.cn>"],
                ["Name": "Content-Type", "Value": "multipart/mixed; boundary=\"b1\""],
            ],
            "Attachments": [
                [
                    "Name": "垃圾.jpg", "Content": Self.photo.base64EncodedString(), "ContentType": "image/jpeg",
                    "ContentLength": Self.photo.count, "ContentID": "",
                ]
            ],
        ]
        let body = try JSONSerialization.data(withJSONObject: webhook)
        let reply = try await post(gateway, body, type: "application/json")
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let id = try #require(reply.json["id"] as? String)
        let record = try await Self.record(gateway, id)
        #expect(record["text"] as? String == "小区垃圾三天没有清运。")
        #expect(record["subject"] as? String == "垃圾清运不及时")
        #expect((record["complainant"] as? [String: Any])?["name"] as? String == "王先生")
        #expect((record["source"] as? [String: Any])?["external_id"] as? String == "pm-1@example.cn")
        let file = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0")
        #expect(file.body == Self.photo)
        // Postmark set to include the raw message: that message, byte for byte.
        let raw =
            "From: citizen@example.cn\r\nSubject: =?utf-8?B?\(Data("路灯".utf8).base64EncodedString())?=\r\n"
            + "Message-ID: <pm-raw@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n路灯不亮。\r\n"
        var withRaw = webhook
        withRaw["RawEmail"] = raw
        let rawReply = try await post(
            gateway, try JSONSerialization.data(withJSONObject: withRaw), type: "application/json")
        #expect(rawReply.status == 201, "\(rawReply.errorMessage ?? "")")
        let rawRecord = try await Self.record(gateway, try #require(rawReply.json["id"] as? String))
        let rawID = try #require((rawRecord["source"] as? [String: Any])?["raw_id"] as? String)
        let stored = try await sqlite(gateway.databasePath, "SELECT hex(body) FROM raw_payloads WHERE id = '\(rawID)'")
        #expect(stored == Data(raw.utf8).map { String(format: "%02X", $0) }.joined())
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Postmark's JSON may be a third over email.max_message_bytes: its files are base64")
    func postmarkLimit() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { $0.email.maxMessageBytes = 3000 }
        let photo = Data((0..<2600).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        let webhook: [String: Any] = [
            "From": "citizen@example.cn", "Subject": "x", "TextBody": "照片见附件",
            "Headers": [["Name": "Message-ID", "Value": "<pm-limit@example.cn>"]],
            "Attachments": [["Name": "a.jpg", "Content": photo.base64EncodedString(), "ContentType": "image/jpeg"]],
        ]
        let body = try JSONSerialization.data(withJSONObject: webhook)
        #expect(body.count > 3000)
        let reply = try await post(gateway, body, type: "application/json")
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let raw = Data(("From: citizen@example.cn\r\n\r\n" + String(repeating: "x", count: body.count)).utf8)
        #expect(try await post(gateway, raw, type: "message/rfc822").status == 413)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a form that is neither a message nor a service's parsed mail is refused and kept in quarantine")
    func unknownFormKept() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let body = Self.part("subject", "投诉") + Self.part("text", "路灯不亮。") + Data("--\(Self.boundary)--\r\n".utf8)
        let reply = try await post(gateway, body, type: "multipart/form-data; boundary=\(Self.boundary)")
        #expect(reply.status == 400)
        #expect(reply.errorCode == "malformed_multipart")
        #expect(reply.errorMessage?.contains("tick \"POST the raw, full MIME message\"") == true)
        let rawID = try #require((reply.json["error"] as? [String: Any])?["raw_id"] as? String)
        let kept = try await sqlite(
            gateway.databasePath, "SELECT disposition || ' ' || length(body) FROM raw_payloads WHERE id = '\(rawID)'")
        #expect(kept == "quarantined \(body.count)")
        try await gateway.stop()
        await downstream.stop()
    }
}
