import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `docs/mta/complaint-gateway-deliver`, the script a mail server's pipe transport runs for each
/// message, against a real gateway: its exit status is what the mail server does with the mail.
@Suite("A mail server's pipe delivers to POST /v1/email, queueing the mail while the gateway cannot take it")
struct MailServerPipeTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/mta/complaint-gateway-deliver").path

    private static func deliver(_ message: String, url: String, token: String = RunningGateway.token) async throws
        -> (status: Int32, errors: String)
    {
        let environment = [
            "PATH": "/usr/bin:/bin", "COMPLAINT_GATEWAY_URL": url, "COMPLAINT_GATEWAY_TOKEN": token,
        ]
        let run = try await spawnCapturingOutput(
            "/bin/sh", [script], environment: environment, input: Data(message.utf8), errorsToOutput: true)
        return (run.status, String(decoding: run.output, as: UTF8.self))
    }

    private static let mail =
        "From: a@example.cn\nTo: complaints@example.gov.cn\nSubject: 噪音\nMessage-ID: <pipe-1@example.cn>\n\n"
        + "工地夜间施工，吵得无法入睡。\n"

    @Test("taken, taken again as the duplicate, and a body that is no message kept: 0 each time")
    func kept() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let url = "http://127.0.0.1:\(gateway.port)"
        #expect(try await Self.deliver(Self.mail, url: url).status == 0)
        #expect(try await Self.deliver(Self.mail, url: url).status == 0)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE channel = 'email'") == "1")
        let text = try await sqlite(gateway.databasePath, "SELECT json_extract(record, '$.text') FROM complaints")
        #expect(text == "工地夜间施工，吵得无法入睡。")
        let notMail = try await Self.deliver("id,text\n1,停水\n", url: url)
        #expect(notMail.status == 0)
        #expect(notMail.errors.contains("kept in the gateway's quarantine"))
        #expect(
            try await sqlite(
                gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'") == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a wrong token, or a gateway that is down, keeps the mail queued (75); one too large bounces (65)")
    func queuedOrBounced() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { $0.email.maxMessageBytes = 256 }
        let url = "http://127.0.0.1:\(gateway.port)"
        let wrong = try await Self.deliver(Self.mail, url: url, token: "not-a-token")
        #expect(wrong.status == 75)
        #expect(wrong.errors.contains("answered 401"))
        let large = Self.mail + String(repeating: "楼上噪音。", count: 100)
        let tooLarge = try await Self.deliver(large, url: url)
        #expect(tooLarge.status == 65)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "0")
        try await gateway.stop()
        let down = try await Self.deliver(Self.mail, url: url)
        #expect(down.status == 75)
        #expect(down.errors.contains("cannot be reached"))
        await downstream.stop()
    }
}
