import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// Mail forwarding services post a message as a form field and cannot set a header of their own:
/// SendGrid's Inbound Parse ("POST the raw, full MIME message": field `email`) and Mailgun's
/// routes to a URL ending in `mime` (field `body-mime`), both with the credentials of the URL
/// they were given (`https://any:TOKEN@…`) sent as Basic.
@Suite("POST /v1/email from mail forwarding services")
struct EmailForwarderTests {
    private static func message(id: String, text: String) -> String {
        """
        From: Citizen <citizen@example.cn>\r
        To: complaints@hotline.example.gov.cn\r
        Subject: =?utf-8?B?\(Data("投诉".utf8).base64EncodedString())?=\r
        Message-ID: <\(id)>\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(text)\r

        """
    }

    /// A form of `fields` (name, value, optional file name), as the services send it.
    private static func form(_ fields: [(String, String, String?)], boundary: String = "xYzZY") -> Data {
        var body = ""
        for (name, value, filename) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            body += filename.map { "; filename=\"\($0)\"\r\nContent-Type: message/rfc822" } ?? ""
            body += "\r\n\r\n\(value)\r\n"
        }
        return Data((body + "--\(boundary)--\r\n").utf8)
    }

    private static func basic(_ user: String, _ token: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(token)".utf8).base64EncodedString())
    }

    private func post(
        _ gateway: RunningGateway, _ body: Data, authorization: (String, String)? = nil
    ) async throws -> RunningGateway.Reply {
        try await gateway.request(
            .post, "/v1/email", body: body, token: authorization == nil ? RunningGateway.token : nil,
            headers: [("Content-Type", "multipart/form-data; boundary=xYzZY")] + (authorization.map { [$0] } ?? []))
    }

    @Test("SendGrid's email field and Mailgun's body-mime become complaints; the same message sent raw is a duplicate")
    func forwardedForms() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let sendgrid = Self.message(id: "sg@example.cn", text: "路灯不亮已经一周。")
        let fromSendGrid = try await post(
            gateway,
            Self.form([
                ("headers", "Received: by mx.sendgrid.net\nFrom: citizen@example.cn", nil),
                ("envelope", #"{"to":["complaints@hotline.example.gov.cn"],"from":"citizen@example.cn"}"#, nil),
                ("charsets", #"{"to":"UTF-8","subject":"UTF-8","from":"UTF-8"}"#, nil), ("SPF", "pass", nil),
                ("email", sendgrid, nil), ("spam_score", "0.1", nil),
            ]), authorization: Self.basic("sendgrid", RunningGateway.token))
        #expect(fromSendGrid.status == 201, "\(String(decoding: fromSendGrid.body, as: UTF8.self))")
        // The message alone is kept as the raw payload, byte for byte.
        #expect(
            try await sqlite(gateway.databasePath, "select body from raw_payloads where channel = 'email'")
                == sendgrid.trimmingCharacters(in: .newlines))

        let fromMailgun = try await post(
            gateway,
            Self.form([
                ("recipient", "complaints@hotline.example.gov.cn", nil), ("sender", "citizen@example.cn", nil),
                ("body-mime", Self.message(id: "mg@example.cn", text: "井盖丢失。"), nil), ("timestamp", "1795000000", nil),
                ("token", "e1b6f0d2", nil), ("signature", "8f2a", nil),
            ]), authorization: Self.basic("api", RunningGateway.token))
        #expect(fromMailgun.status == 201, "\(String(decoding: fromMailgun.body, as: UTF8.self))")

        let asFile = try await post(
            gateway, Self.form([("attachment", Self.message(id: "eml@example.cn", text: "噪音扰民。"), "complaint.eml")]))
        #expect(asFile.status == 201, "\(String(decoding: asFile.body, as: UTF8.self))")

        let raw = try await gateway.request(
            .post, "/v1/email", body: Data(sendgrid.utf8), headers: [("Content-Type", "message/rfc822")])
        #expect(raw.status == 200 && raw.json["duplicate"] as? Bool == true)
        #expect(raw.json["id"] as? String == fromSendGrid.json["id"] as? String)
        #expect(
            try await sqlite(gateway.databasePath, "select external_id from complaints order by external_id")
                == "eml@example.cn\nmg@example.cn\nsg@example.cn")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the message is held to email.max_message_bytes, raw or in a form; the form's other fields are not")
    func sizeLimit() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { $0.email.maxMessageBytes = 4096 }
        let large = Self.message(id: "large@example.cn", text: String(repeating: "噪", count: 1700))
        let small = Self.message(id: "small@example.cn", text: String(repeating: "噪", count: 900))
        #expect(large.utf8.count > 4096 && small.utf8.count < 4096)
        let raw = try await gateway.request(
            .post, "/v1/email", body: Data(large.utf8), headers: [("Content-Type", "message/rfc822")])
        #expect(raw.status == 413)
        #expect(try await post(gateway, Self.form([("email", large, nil)])).status == 413)
        let padded = try await post(
            gateway,
            Self.form([("headers", String(repeating: "X-Trace: 1\n", count: 300), nil), ("email", small, nil)]))
        #expect(padded.status == 201, "\(String(decoding: padded.body, as: UTF8.self))")
        #expect(try await sqlite(gateway.databasePath, "select count(*) from raw_payloads") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a form without a message is refused and kept; a wrong Basic password and a Basic without one are refused")
    func refusals() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let noMessage = try await post(gateway, Self.form([("subject", "投诉", nil), ("text", "路灯不亮。", nil)]))
        #expect(noMessage.status == 400)
        #expect(noMessage.errorCode == "malformed_multipart")
        #expect(
            noMessage.errorMessage?.contains("a field named email, body-mime or message, or as a .eml file") == true,
            "\(noMessage.errorMessage ?? "")")
        let form = Self.form([("email", Self.message(id: "x@example.cn", text: "x"), nil)])
        for authorization in [Self.basic("sendgrid", "wrong-token"), Self.basic(RunningGateway.token, "")] {
            let refused = try await post(gateway, form, authorization: authorization)
            #expect(refused.status == 401, "\(authorization.1)")
            #expect(refused.headers.contains { $0.0.lowercased() == "www-authenticate" && $0.1.hasPrefix("Bearer") })
        }
        // A sender that sends its URL's credentials only when challenged (Amazon SNS does) is
        // challenged for Basic too: curl --anyauth, which picks the scheme the 401 offers, gets in.
        let challenged = try await gateway.request(
            .post, "/v1/email", body: form, token: nil,
            headers: [("Content-Type", "multipart/form-data; boundary=xYzZY")])
        let offered = challenged.headers.filter { $0.0.lowercased() == "www-authenticate" }.map(\.1)
        #expect(offered.contains("Bearer") && offered.contains(#"Basic realm="complaint-gateway""#))
        let curl = try await spawnCapturingOutput(
            "/usr/bin/curl",
            [
                "--silent", "--anyauth", "--user", "sns:\(RunningGateway.token)", "--output", "/dev/null",
                "--write-out", "%{http_code}", "--header", "Content-Type: message/rfc822", "--data-binary", "@-",
                "http://127.0.0.1:\(gateway.port)/v1/email",
            ], input: Data(Self.message(id: "anyauth@example.cn", text: "路灯不亮。").utf8))
        #expect(String(decoding: curl.output, as: UTF8.self) == "201")
        // Only the form without a message is kept (in quarantine), and the mail sent after the
        // challenge: the refused tokens' bodies are not.
        #expect(try await sqlite(gateway.databasePath, "select count(*) from raw_payloads") == "2")
        try await gateway.stop()
        await downstream.stop()
    }
}
