import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("POST /v1/email: raw messages in, complaints, follow-ups and ignored auto-replies out")
struct EmailIntakeTests {
    private static func message(id: String, subject: String, body: String, extraHeaders: String = "") -> Data {
        Data(
            """
            From: =?utf-8?B?\(Data("张三".utf8).base64EncodedString())?= <zhang@example.cn>\r
            To: complaints@hotline.example.gov.cn\r
            Subject: =?utf-8?B?\(Data(subject.utf8).base64EncodedString())?=\r
            Message-ID: <\(id)>\r
            \(extraHeaders)Content-Type: multipart/mixed; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: base64\r
            \r
            \(Data(body.utf8).base64EncodedString())\r
            --b1\r
            Content-Type: image/png\r
            Content-Disposition: attachment; filename="photo.png"\r
            Content-Transfer-Encoding: base64\r
            \r
            iVBORw0KGgo=\r
            --b1--\r

            """.utf8)
    }

    private func postEmail(_ gateway: RunningGateway, _ body: Data) async throws -> RunningGateway.Reply {
        try await gateway.request(.post, "/v1/email", body: body, headers: [("Content-Type", "message/rfc822")])
    }

    @Test("the place a message labels is the delivered record's address, and its district from routing.districts")
    func labelledPlace() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let raw = Self.message(
            id: "place@example.cn", subject: "垃圾没人清理", body: "小区门口垃圾三天没人清理。\n事发地址：杭州市西湖区文三路12号\n")
        #expect(try await postEmail(gateway, raw).status == 201)
        try await eventually("delivered") { downstream.requests.count >= 1 }
        let record = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(record.location.address == "杭州市西湖区文三路12号")
        #expect(record.location.district == "西湖区")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a message that labels no place gets the one district its subject or text names; naming two, none")
    func districtNamedInText() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let one = Self.message(id: "one@example.cn", subject: "投诉", body: "西湖区文三路的工地晚上11点还在打桩。")
        let subject = Self.message(id: "subject@example.cn", subject: "滨江区江南大道路灯不亮", body: "好几天了，没人修。")
        let two = Self.message(id: "two@example.cn", subject: "投诉", body: "我住滨江区，在西湖区上班，路上垃圾没人清理。")
        for raw in [one, subject, two] { #expect(try await postEmail(gateway, raw).status == 201) }
        try await eventually("delivered") { downstream.requests.count >= 3 }
        let records = try downstream.requests.map { try ComplaintJSON.decode($0.body) }
        let districts = Dictionary(
            uniqueKeysWithValues: records.map { ($0.source.externalID ?? "", $0.location.district) })
        #expect(districts["one@example.cn"] == "西湖区")
        #expect(districts["subject@example.cn"] == "滨江区")
        #expect(districts["two@example.cn"] == .some(nil))
        #expect(records.allSatisfy { $0.location.address == nil })
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a message becomes a routed, delivered complaint; its attachment is stored; a resend is a duplicate")
    func complaintDeliveredAndDeduplicated() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let raw = Self.message(id: "first@example.cn", subject: "工地夜间施工", body: "晚上11点后还在打桩，噪音很大。")
        let reply = try await postEmail(gateway, raw)
        #expect(reply.status == 201)
        let id = try #require(reply.json["id"] as? String)
        #expect((reply.json["routing"] as? [String: Any])?["department"] as? String == "urban-management")

        try await eventually("delivered") { downstream.requests.count >= 1 }
        let record = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(record.id == id)
        #expect(record.channel == .email)
        #expect(record.subject == "工地夜间施工")
        #expect(record.complainant.name == "张三")
        #expect(record.source.externalID == "first@example.cn")
        #expect(record.attachments.map(\.filename) == ["photo.png"])
        #expect(
            try await sqlite(gateway.databasePath, "select filename, size, length(data) from attachments")
                == "photo.png|8|8")

        let again = try await postEmail(gateway, raw)
        #expect(again.status == 200)
        #expect(again.json["duplicate"] as? Bool == true)
        #expect(again.json["id"] as? String == id)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a different message reusing a Message-ID is a complaint of its own; a relayed copy of one stays a duplicate")
    func reusedMessageID() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let first = Self.message(id: "fixed@form.example.cn", subject: "路灯", body: "第一件：路灯坏了。")
        let second = Self.message(id: "fixed@form.example.cn", subject: "井盖", body: "第二件：井盖丢了。")
        let relayed =
            Data("Received: from relay.example.cn by mx.example.gov.cn; Tue, 3 Nov 2026 08:15:02 +0800\r\n".utf8)
            + second
        let firstID = try #require(try await postEmail(gateway, first).json["id"] as? String)
        let reply = try await postEmail(gateway, second)
        #expect(reply.status == 201)
        let secondID = try #require(reply.json["id"] as? String)
        #expect(secondID != firstID)
        let again = try await postEmail(gateway, relayed)
        #expect(again.status == 200)
        #expect(again.json["id"] as? String == secondID)
        #expect(try await postEmail(gateway, first).json["id"] as? String == firstID)

        let stored = try await gateway.request(.get, "/v1/complaints/\(secondID)")
        let record = try #require(stored.json["record"] as? [String: Any])
        #expect(record["text"] as? String == "第二件：井盖丢了。")
        let source = try #require(record["source"] as? [String: Any])
        #expect((source["external_id"] as? String)?.hasPrefix("fixed@form.example.cn#") == true)
        let extra = try #require(source["extra"] as? [String: Any])
        #expect((extra["defects"] as? [String])?.contains { $0.contains(firstID) } == true)
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "2")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the same message by another way is one complaint: LF instead of CRLF, a mailbox import beside a POST")
    func sameMessageByAnotherWay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let crlf = Self.message(id: "twice@example.cn", subject: "噪音", body: "工地夜间施工，噪音扰民。")
        let lf = Data(String(decoding: crlf, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let firstID = try #require(try await postEmail(gateway, crlf).json["id"] as? String)
        let piped = try await postEmail(gateway, lf)
        #expect(piped.status == 200)
        #expect(piped.json["duplicate"] as? Bool == true)
        #expect(piped.json["id"] as? String == firstID)
        // `email import` runs under its own adapter name; the message is still the one POSTed.
        #expect(try await gateway.gateway.importEmail(Array(lf), adapter: "import") == .duplicate(id: firstID))
        // A different message under the same Message-ID, imported: its own complaint, as before.
        let other = Self.message(id: "twice@example.cn", subject: "井盖", body: "井盖丢了。")
        let imported = try await gateway.gateway.importEmail(Array(other), adapter: "import")
        guard case .created(let otherID, _, _) = imported else {
            Issue.record("a different message under a taken Message-ID was not a complaint of its own")
            return
        }
        #expect(otherID != firstID)
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "2")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a message without a Message-ID by two ways (a POST with LF, a mailbox with CRLF) is one complaint")
    func sameContentWithoutMessageID() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let crlf = Data(
            String(decoding: Self.message(id: "x", subject: "停水", body: "文三路停水三天了。"), as: UTF8.self)
                .replacingOccurrences(of: "Message-ID: <x>\r\n", with: "").utf8)
        let lf = Data(String(decoding: crlf, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let posted = try await postEmail(gateway, lf)
        #expect(posted.status == 201)
        let firstID = try #require(posted.json["id"] as? String)
        #expect(try await gateway.gateway.importEmail(Array(crlf), adapter: "inbox") == .duplicate(id: firstID))
        #expect(try await gateway.gateway.importEmail(Array(lf), adapter: "other") == .duplicate(id: firstID))
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("copies of one message taken by several ways at the same moment are one complaint")
    func concurrentCopies() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for round in 0..<5 {
            let mail = Array(Self.message(id: "cc-\(round)@example.cn", subject: "噪音", body: "工地夜间施工 \(round)"))
            // As two polled mailboxes (and an import) find one Cc'd mail in the same poll.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for adapter in ["inbox-a", "inbox-b", "inbox-c", "import"] {
                    group.addTask { _ = try await gateway.gateway.importEmail(mail, adapter: adapter) }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "5")
        #expect(
            try await sqlite(gateway.databasePath, "select count(*) from raw_payloads where disposition = 'duplicate'")
                == "15")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a reply naming an earlier complaint's Message-ID follows it to the same department")
    func replyFollowsThread() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let first = try await postEmail(
            gateway, Self.message(id: "root@example.cn", subject: "噪音投诉", body: "工地噪音扰民。"))
        let rootID = try #require(first.json["id"] as? String)
        // On its own this text would go to water-supply (停水); as a reply it stays in the thread.
        let reply = try await postEmail(
            gateway,
            Self.message(
                id: "reply@example.cn", subject: "Re: 噪音投诉", body: "补充：施工还把水管挖断了，停水了。",
                extraHeaders:
                    "In-Reply-To: <ack@hotline.example.gov.cn>\r\nReferences: <root@example.cn> <ack@hotline.example.gov.cn>\r\n"
            ))
        #expect(reply.status == 201)
        #expect(reply.json["follow_up_of"] as? String == rootID)
        let routing = try #require(reply.json["routing"] as? [String: Any])
        #expect(routing["department"] as? String == "urban-management")
        #expect(routing["rule"] as? String == "follow-up")
        #expect(routing["table"] as? String == "thread")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an auto-reply is kept raw and counted, never a complaint")
    func autoReplyIgnored() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await postEmail(
            gateway,
            Self.message(
                id: "ooo@example.cn", subject: "自动回复", body: "我正在休假。", extraHeaders: "Auto-Submitted: auto-replied\r\n")
        )
        #expect(reply.status == 200)
        #expect(reply.json["ignored"] as? Bool == true)
        #expect(reply.json["reason"] as? String == "Auto-Submitted: auto-replied")
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "0")
        #expect(try await sqlite(gateway.databasePath, "select disposition from raw_payloads") == "ignored")
        let metrics = String(decoding: try await gateway.request(.get, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("cg_intake_ignored_total{channel=\"email\",kind=\"auto_reply\"}"))
        // QQ Mail's vacation reply has no RFC 3834 header, only its own.
        let qq = try await postEmail(
            gateway,
            Self.message(
                id: "qq@qq.com", subject: "自动回复:噪音", body: "您的邮件我已经收到了，谢谢！",
                extraHeaders: "X-QQ-HolidayReply: true\r\n"))
        #expect(qq.json["reason"] as? String == "X-QQ-HolidayReply: true")
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("wrong media type, no token and an empty body are refused with precise errors")
    func refusals() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let json = try await gateway.request(.post, "/v1/email", body: Data("{}".utf8))
        #expect(json.status == 415)
        #expect(json.errorCode == "unsupported_media_type")
        let anonymous = try await gateway.request(
            .post, "/v1/email", body: Self.message(id: "x@y", subject: "s", body: "b"), token: nil,
            headers: [("Content-Type", "message/rfc822")])
        #expect(anonymous.status == 401)
        let empty = try await gateway.request(
            .post, "/v1/email", body: Data(), headers: [("Content-Type", "message/rfc822")])
        #expect(empty.status == 400)
        #expect(try await sqlite(gateway.databasePath, "select count(*) from raw_payloads") == "0")
        // A call log posted here by mistake: refused, kept in quarantine, never a complaint.
        let csv = try await gateway.request(
            .post, "/v1/email", body: Data("ticket,phone,text\n1,13812345678,噪音\n".utf8),
            headers: [("Content-Type", "message/rfc822")])
        #expect(csv.status == 422)
        #expect(csv.errorCode == "not_a_message")
        let rawID = try #require(csv.json["error"].flatMap { ($0 as? [String: Any])?["raw_id"] as? String })
        #expect(
            try await sqlite(gateway.databasePath, "select disposition from raw_payloads where id = '\(rawID)'")
                == "quarantined")
        #expect(try await sqlite(gateway.databasePath, "select count(*) from complaints") == "0")
        // JSON fits the header grammar (`{"Type":` is a field name and its colon), and is no message.
        let webhook = try await gateway.request(
            .post, "/v1/email", body: Data(#"{"Type":"Notification","Message":"x"}"#.utf8),
            headers: [("Content-Type", "text/plain")])
        #expect(webhook.status == 422)
        #expect(webhook.errorCode == "not_a_message")
        // An MTA's pipe may put the mbox postmark line first: still a message.
        let piped =
            Data("From zhang@example.cn Tue Nov  3 08:15:02 2026\r\n".utf8)
            + Self.message(id: "piped@example.cn", subject: "路灯", body: "路灯坏了。")
        #expect(try await postEmail(gateway, piped).status == 201)
        try await gateway.stop()
        await downstream.stop()
    }
}
