import ComplaintCore
import Foundation
import GatewayTestSupport
import Testing

@testable import EmailAdapter
@testable import GatewayServer

/// A mailbox on a network that reaches the outside only through an egress proxy: the IMAP
/// connection goes through a `CONNECT` tunnel and the OAuth 2.0 token request through the same
/// proxy, with the proxy's credentials; a real proxy, Dovecot and token endpoint on 127.0.0.1.
@Suite("IMAP through an HTTP proxy", .serialized)
struct MailboxProxyTests {
    @Test(
        "a mailbox with proxy: is polled through a CONNECT tunnel with STARTTLS inside, the proxy's credentials sent to it"
    )
    func pollsThroughTunnel() async throws {
        let proxy = try await TestHTTPProxy(credentials: "gateway:s3cret")
        try await DovecotServer.run(tls: true) { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(
                MailboxPollerTests.message(id: "proxied@example.cn", text: "路灯坏了一个月没人修。"), name: "p1")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1", "IMAP_PROXY": "http://gateway:s3cret@127.0.0.1:\(proxy.port)",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment) {
                // Self-signed for this test; STARTTLS insisted on, inside the tunnel.
                $0.email.mailboxes[0].mailbox.security = .required
                $0.email.mailboxes[0].mailbox.verifyPeer = false
            }
            try await eventually("taken through the proxy") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            try await gateway.stop()
            await downstream.stop()
            let tunnels = proxy.heads.filter { $0.hasPrefix("CONNECT 127.0.0.1:\(dovecot.port) HTTP/1.1") }
            #expect(!tunnels.isEmpty, "\(proxy.heads)")
            let basic = "Basic " + Data("gateway:s3cret".utf8).base64EncodedString()
            #expect(tunnels.allSatisfy { $0.contains("Proxy-Authorization: \(basic)") }, "\(tunnels)")
            // The poller's logins came through the proxy, over TLS (the readiness probe's do not).
            try await eventually("a login over TLS in Dovecot's log") {
                try dovecot.log().split(separator: "\n").contains {
                    $0.contains("Login: user=<\(dovecot.user)>") && $0.contains(", TLS,")
                }
            }
        }
        await proxy.stop()
    }

    @Test("a proxy that refuses the credentials, or is not there, is named in the error as out of reach")
    func refusedByProxy() async throws {
        let proxy = try await TestHTTPProxy(credentials: "gateway:s3cret")
        let closed = try ClosedPort()
        try await DovecotServer.run { dovecot in
            for (url, expected) in [
                ("http://gateway:wrong@127.0.0.1:\(proxy.port)", "407 (through the proxy 127.0.0.1:\(proxy.port))"),
                ("http://127.0.0.1:\(closed.port)", "(through the proxy 127.0.0.1:\(closed.port))"),
            ] {
                var mailbox = IMAPMailbox(
                    name: "box", serverURL: "imap://127.0.0.1:\(dovecot.port)/", folder: "INBOX",
                    user: dovecot.user, password: dovecot.password, security: .none)
                mailbox.proxy = url
                let session = try IMAPSession(mailbox, timeoutSeconds: 5)
                let error = try #require(throws: IMAPError.self) { try session.identify() }
                #expect(error.unreachable && !error.loginDenied, "\(error)")
                #expect(error.description.contains(expected), "\(error)")
                // The proxy's answer lines are not the server's.
                #expect(!error.description.contains("the server answered"), "\(error)")
            }
        }
        await proxy.stop()
    }

    @Test("the server's reply to a failed command is found after a proxy's tunnel answer, never in it")
    func serverReplyAfterTunnel() {
        let tunnel = "HTTP/1.1 200 Connection established\r\n\r\n"
        let refusal =
            "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nConnection: close\r\n\r\n"
        #expect(
            IMAPSession.finalReply(
                tunnel + "* OK ready\r\nA001 OK done\r\nA002 NO [TRYCREATE] no folder\r\nA003 OK bye\r\n")
                == "NO [TRYCREATE] no folder")
        #expect(IMAPSession.finalReply(refusal) == nil)
        #expect(IMAPSession.finalReply("A001 BAD command unknown\r\n") == "BAD command unknown")
    }

    @Test("the token request goes through the mailbox's proxy, with the absolute URL for an http endpoint")
    func tokenThroughProxy() async throws {
        let proxy = try await TestHTTPProxy()
        let identity = try await DownstreamServer.start(scripts: [
            "/token": .json { _ in (200, #"{"access_token":"proxied-token","expires_in":3599}"#) }
        ])
        let tokens = OAuth2Tokens(
            OAuth2Settings(tokenURL: identity.baseURL + "/token", clientID: "id", clientSecret: "secret"),
            mailboxName: "box", proxy: "http://127.0.0.1:\(proxy.port)")
        #expect(try tokens.token() == "proxied-token")
        #expect(proxy.heads.count == 1)
        #expect(proxy.heads.first?.hasPrefix("POST \(identity.baseURL)/token HTTP/1.1") == true, "\(proxy.heads)")
        #expect(identity.requests(to: "/token").count == 1)
        await identity.stop()
        await proxy.stop()
    }

    @Test("proxy: is checked as a department's is; empty is direct")
    func settingsChecked() throws {
        func load(_ proxy: String) throws -> GatewayConfiguration {
            try GatewayConfiguration.load(
                directory: RunningGateway.configDirectory,
                environment: [
                    "GATEWAY_TOKEN": RunningGateway.token, "IMAP_URL": "imaps://imap.example.cn/INBOX",
                    "IMAP_USER": "u", "IMAP_PASSWORD": "p", "IMAP_PROXY": proxy,
                ])
        }
        #expect(try load("").email.mailboxes.first?.mailbox.proxy == nil)
        #expect(
            try load("http://u:p@proxy.city.example:3128").email.mailboxes.first?.mailbox.proxy
                == "http://u:p@proxy.city.example:3128")
        for (proxy, message) in [
            ("socks5://127.0.0.1:1080", "only http:// proxies are supported (socks5:// is not)"),
            ("http://proxy.city.example", "the proxy URL needs a port (http://proxy.city.example:3128, for example)"),
        ] {
            let error = try #require(throws: ConfigError.self) { try load(proxy) }
            let issue = try #require(error.issues.first)
            #expect(issue.description.hasPrefix("gateway.yaml:"), "\(issue)")
            #expect(issue.description.contains("email.mailboxes[0].proxy"), "\(issue)")
            #expect(issue.description.hasSuffix(message), "\(issue)")
        }
    }
}
