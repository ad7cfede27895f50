import ComplaintCore
import EmailAdapter
import Foundation
import GatewayTestSupport
import Synchronization
import Testing

@testable import GatewayServer

/// Mailboxes that take no password (Microsoft 365, Gmail) log in with OAuth 2.0 access tokens
/// from the provider's token endpoint, played here by a local HTTP server; Dovecot checks each
/// token with that server's introspection endpoint, as the providers' servers check theirs.
@Suite("IMAP login by OAuth 2.0", .serialized)
struct MailboxOAuth2Tests {
    private static func tokenAnswer(_ token: String, expiresIn: String = "3599") -> DownstreamServer.Script {
        .json { _ in (200, #"{"access_token":"\#(token)","token_type":"Bearer","expires_in":\#(expiresIn)}"#) }
    }

    @Test("the token is asked for once and kept between polls; one the server refuses is replaced at the next poll")
    func pollsWithTokens() async throws {
        let identity = try await DownstreamServer.start(scripts: [
            "/token": .sequence([Self.tokenAnswer("revoked-token"), Self.tokenAnswer("good-token")]),
            "/introspect": .json { body in
                let active = String(decoding: body, as: UTF8.self).contains("token=good-token")
                return (200, #"{"active":\#(active),"username":"complaints"}"#)
            },
        ])
        try await DovecotServer.run(introspectionURL: identity.baseURL + "/introspect") { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(
                MailboxPollerTests.message(id: "oauth@example.cn", text: "小区垃圾无人清运。"), name: "o1")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": "", "IMAP_POLL_SECONDS": "1",
                "IMAP_OAUTH_TOKEN_URL": identity.baseURL + "/token", "IMAP_OAUTH_CLIENT_ID": "cg-app",
                "IMAP_OAUTH_CLIENT_SECRET": "s3cret&=+", "IMAP_OAUTH_SCOPE": "https://outlook.office365.com/.default",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment)
            try await eventually("taken once the second token logs in") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            // Polls go on every second, each a login checked by the introspection endpoint.
            let checked = identity.requests(to: "/introspect").count
            try await eventually("two more polls logged in") {
                identity.requests(to: "/introspect").count >= checked + 2
            }
            let asked = identity.requests(to: "/token")
            #expect(asked.count == 2, "the kept token was asked for again")
            #expect(
                String(decoding: asked[0].body, as: UTF8.self)
                    == "grant_type=client_credentials&client_id=cg-app&client_secret=s3cret%26%3D%2B"
                    + "&scope=https%3A%2F%2Foutlook.office365.com%2F.default")
            #expect(asked[0].contentType == "application/x-www-form-urlencoded")
            // Every poll's login by a token (the test's own readiness probe logs in by PLAIN); Dovecot's
            // log process writes the lines a moment after the logins.
            try await eventually("three logins by token in Dovecot's log") {
                try dovecot.log().split(separator: "\n").filter {
                    $0.contains("Login: user=<complaints>")
                        && ($0.contains("method=OAUTHBEARER") || $0.contains("method=XOAUTH2"))
                }.count >= 3
            }
            try await gateway.stop()
            await downstream.stop()
        }
        await identity.stop()
    }

    @Test("a refresh token is sent by the refresh_token grant; a token without expires_in serves one poll")
    func refreshGrantAndLifetimes() async throws {
        let identity = try await DownstreamServer.start(scripts: [
            "/short": Self.tokenAnswer("t", expiresIn: "30"), "/long": Self.tokenAnswer("t", expiresIn: "\"3600\""),
            "/none": .json { _ in (200, #"{"access_token":"t","token_type":"Bearer"}"#) },
        ])
        let now = Date()
        for (path, expected) in [("/short", 3), ("/long", 1), ("/none", 3)] {
            let tokens = OAuth2Tokens(
                OAuth2Settings(
                    tokenURL: identity.baseURL + path, clientID: "id", clientSecret: "secret",
                    scope: "https://mail.google.com/", refreshToken: "1//refresh"), mailboxName: "box")
            for poll in 0..<3 { #expect(try tokens.token(now: now.addingTimeInterval(Double(poll))) == "t") }
            #expect(identity.requests(to: path).count == expected, "\(path)")
        }
        #expect(
            String(decoding: identity.requests(to: "/long")[0].body, as: UTF8.self)
                == "grant_type=refresh_token&client_id=id&client_secret=secret&refresh_token=1%2F%2Frefresh"
                + "&scope=https%3A%2F%2Fmail.google.com%2F")
        await identity.stop()
    }

    @Test("a token endpoint that refuses the app, fails or cannot be reached says so, with its own words")
    func tokenEndpointFailures() async throws {
        let identity = try await DownstreamServer.start(scripts: [
            "/refused": .json { _ in
                (
                    401,
                    #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#
                )
            },
            "/down": .status(503),
        ])
        func failure(_ url: String) throws -> IMAPError {
            let tokens = OAuth2Tokens(
                OAuth2Settings(tokenURL: url, clientID: "id", clientSecret: "wrong"), mailboxName: "box")
            return try #require(throws: IMAPError.self) { try tokens.token() }
        }
        let refused = try failure(identity.baseURL + "/refused")
        #expect(refused.loginDenied && !refused.unreachable)
        #expect(
            refused.description
                == "box: the OAuth 2.0 token endpoint \(identity.baseURL)/refused answered 401: "
                + "invalid_client: AADSTS7000215: Invalid client secret provided.")
        let down = try failure(identity.baseURL + "/down")
        #expect(down.unreachable && !down.loginDenied && down.description.contains("answered 503: answer 1"))
        let closed = try ClosedPort()
        let unreachable = try failure("http://127.0.0.1:\(closed.port)/token")
        #expect(unreachable.unreachable && unreachable.description.contains("cannot be reached"), "\(unreachable)")
        await identity.stop()
    }

    /// The sample configuration's warnings and errors with a Microsoft 365 mailbox whose OAuth 2.0
    /// app has a client secret, `extra` changing its environment; last, whether oauth2 is on.
    static func configurationIssues(_ extra: [String: String]) -> [String] {
        var environment = [
            "GATEWAY_TOKEN": RunningGateway.token, "IMAP_URL": "imaps://outlook.office365.com/INBOX",
            "IMAP_USER": "complaints@city.example", "IMAP_PASSWORD": "",
            "IMAP_OAUTH_TOKEN_URL": "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
            "IMAP_OAUTH_CLIENT_ID": "app", "IMAP_OAUTH_CLIENT_SECRET": "secret",
        ]
        environment.merge(extra) { $1 }
        do {
            let configuration = try GatewayConfiguration.load(
                directory: RunningGateway.configDirectory, environment: environment)
            let oauth2 = configuration.email.mailboxes.first?.mailbox.oauth2
            return configuration.warnings.map(\.description) + [oauth2 == nil ? "no oauth2" : "oauth2"]
        } catch let error as ConfigError {
            return error.issues.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("oauth2 settings are checked: not with a password, https unless on this machine, a client and secret")
    func settingsChecked() {
        let issues = Self.configurationIssues
        #expect(issues([:]).last == "oauth2")
        #expect(issues(["IMAP_OAUTH_TOKEN_URL": ""]).last == "no oauth2")
        #expect(issues(["IMAP_PASSWORD": "p"]).contains { $0.contains("password or with oauth2, not both") })
        #expect(
            issues(["IMAP_OAUTH_TOKEN_URL": "http://login.example/token"]).contains {
                $0.contains("token_url: an http:// token endpoint is allowed on this machine only")
            })
        #expect(issues(["IMAP_OAUTH_TOKEN_URL": "http://127.0.0.1:9/token"]).last == "oauth2")
        #expect(
            issues(["IMAP_OAUTH_CLIENT_SECRET": ""]).contains {
                $0.contains("client_secret: the application needs a credential: client_secret, client_certificate")
            })
        #expect(issues(["IMAP_OAUTH_CLIENT_ID": ""]).contains { $0.contains("client_id: must not be empty") })
        #expect(
            issues(["IMAP_URL": "imap://outlook.office365.com/INBOX"]).contains {
                $0.contains("access token goes in clear text")
            })
    }
}
