import ComplaintCore
import Foundation
import GatewayTestSupport
import InMemoryLogging
import Logging
import Testing

/// No phone number, email address or message text in the logs at the default level (`info`), on
/// every path that logs: accepted, duplicate, refused, quarantined, failed delivery.
@Suite("Logs carry no personal data at the default level")
struct LogPrivacyTests {
    static let phone = "13812345678"
    static let email = "zhang.san@example.cn"
    static let text = "楼下烧烤店油烟扰民"

    @Test("every intake path and a failing delivery, logged at info: no phone, address or text in any entry")
    func noPersonalData() async throws {
        let downstream = try await DownstreamServer.start(defaultScript: .status(500))
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "log-privacy") { _ in handler }
        logger.logLevel = .info
        let secret = HostileSMSWebhookTests.secrets["generic_secret"]!
        let gateway = try await RunningGateway.start(
            downstream: downstream.baseURL, environment: ["GENERIC_SMS_WEBHOOK_SECRET": secret], logger: logger)

        let record = #"{"text":"\#(Self.text)","complainant":{"phone":"+86\#(Self.phone)","email":"\#(Self.email)"}}"#
        #expect(try await gateway.post(record).status == 201)
        #expect(
            try await gateway.post(#"{"text":"\#(Self.text)","complainant":{"phone":"+86\#(Self.phone)""#).status == 400
        )
        #expect(try await gateway.post(#"{"text":"\#(Self.text)","complainant":{"phone":12}}"#).status == 422)

        let sms = #"{"id":"log-1","from":"+86\#(Self.phone)","text":"\#(Self.text) \#(Self.email)"}"#
        let signed = HostileSMSWebhookTests.standardWebhooks(sms, id: "wh_log", timestamp: HostileSMSWebhookTests.now)
        for body in [sms, sms] {
            let reply = try await gateway.request(
                .post, "/v1/sms/generic", body: Data(body.utf8), token: nil, headers: signed)
            #expect(reply.status == 200)
        }
        let forged = try await gateway.request(
            .post, "/v1/sms/generic", body: Data(sms.replacingOccurrences(of: "log-1", with: "log-2").utf8), token: nil,
            headers: signed)
        #expect(forged.status == 403)
        let noText = #"{"id":"log-3","from":"+86\#(Self.phone)"}"#
        let quarantined = try await gateway.request(
            .post, "/v1/sms/generic", body: Data(noText.utf8), token: nil,
            headers: HostileSMSWebhookTests.standardWebhooks(
                noText, id: "wh_log3", timestamp: HostileSMSWebhookTests.now))
        #expect(quarantined.status == 200)

        // Authentic but malformed: the parser's message quotes the key it stopped at, and it is logged.
        for (index, broken) in [#"{"id":"x","+86\#(Self.phone)" 1}"#, #"{"\#(Self.email)" 1}"#].enumerated() {
            let reply = try await gateway.request(
                .post, "/v1/sms/generic", body: Data(broken.utf8), token: nil,
                headers: HostileSMSWebhookTests.standardWebhooks(
                    broken, id: "wh_broken\(index)", timestamp: HostileSMSWebhookTests.now))
            #expect(reply.status == 200)
        }
        #expect(
            handler.entries.contains { "\($0.metadata)".contains("after key") }, "the malformed bodies were not logged")

        let mail =
            "From: 张三 <\(Self.email)>\r\nSubject: \(Self.text)\r\nMessage-ID: <log@example.cn>\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n\(Self.text)\r\n电话：\(Self.phone)\r\n"
        #expect(
            try await gateway.request(
                .post, "/v1/email", body: Data(mail.utf8), headers: [("Content-Type", "message/rfc822")]
            ).status == 201)

        let csv =
            HotlineUploadTests.header
            + "GD900,2026/11/3 8:15,\(Self.phone),王先生,投诉,\(Self.text),西湖区文三路1号,ZX1001,125\r\n"
            + "GD901,2026-13-40 08:00,\(Self.phone),李女士,投诉,\(Self.text),\(Self.email),ZX1002,60\r\n"
        #expect(
            try await gateway.request(
                .post, "/v1/hotline/calls?profile=12345", body: Data(csv.utf8), headers: [("Content-Type", "text/csv")]
            ).status == 200)

        // Deliveries fail with 500 and are logged as warnings, with when the next attempt is due.
        try await eventually("failed deliveries logged") {
            handler.entries.contains { $0.message.description == "delivery attempt" }
        }
        let retry = try #require(handler.entries.first { $0.message.description == "delivery attempt" })
        #expect(retry.level == .warning)
        #expect(retry.metadata["cg.outcome"] == "retry")
        #expect(retry.metadata["cg.next_attempt_at"].map { "\($0)".hasSuffix("Z") } == true)
        try await gateway.stop()
        await downstream.stop()

        let entries = handler.entries
        #expect(entries.contains { $0.level >= .warning }, "the test exercised no warning path")
        for entry in entries {
            let line = "\(entry.message) \(entry.metadata)"
            for secret in [Self.phone, Self.email, Self.text, String(Self.text.prefix(4))] {
                #expect(!line.contains(secret), "\(entry.level): \(line)")
            }
        }
    }
}
