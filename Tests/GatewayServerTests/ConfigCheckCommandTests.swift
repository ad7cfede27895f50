import Foundation
import GatewayTestSupport
import Testing

/// `complaint-gateway config check` run as operators run it: what it says about a good
/// configuration, secrets left out.
@Suite("config check")
struct ConfigCheckCommandTests {
    @Test("summarises departments, tokens, profiles and each mailbox (login, proxy), with no secret")
    func summary() async throws {
        var environment = GatewayProcess.environment(downstream: "http://127.0.0.1:9")
        environment.merge([
            "IMAP_URL": "imaps://outlook.office365.com/INBOX", "IMAP_USER": "complaints@city.example",
            "IMAP_PASSWORD": "", "IMAP_POLL_SECONDS": "60",
            "IMAP_OAUTH_TOKEN_URL": "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
            "IMAP_OAUTH_CLIENT_ID": "app", "IMAP_OAUTH_CLIENT_SECRET": "client-s3cret",
            "IMAP_PROXY": "http://gateway:proxy-s3cret@10.1.2.3:3128", "IMAP_STALL_TIMEOUT_S": "90",
            "IMAP_START": "new",
        ]) { $1 }
        let (status, data) = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["config", "check", "--config", RunningGateway.configDirectory.path],
            environment: environment, errorOutput: nil)
        let output = String(decoding: data, as: UTF8.self)
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("configuration OK: 7 departments, 2 rule tables (") == true, "\(lines)")
        #expect(lines.first?.contains(" rules), 1 token, listen 127.0.0.1:8080, tables version sha256:") == true)
        #expect(lines.contains("2 hotline profiles: 12345, 311"))
        #expect(
            lines.contains(
                "mailbox complaints-inbox: imaps://outlook.office365.com/INBOX every 60 s (new mail only), "
                    + "login by OAuth 2.0 (client secret), through the proxy 10.1.2.3:3128, a stall given up after 90 s"
            ),
            "\(lines)")
        #expect(!output.contains("s3cret"))
    }
}
