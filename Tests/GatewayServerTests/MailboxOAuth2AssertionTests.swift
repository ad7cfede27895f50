import Foundation
import GatewayTestSupport
import Testing

@testable import EmailAdapter
@testable import GatewayServer

/// OAuth 2.0 applications that prove themselves with a key instead of a secret: Microsoft's
/// certificate credentials and Google's service accounts. The key and certificate are made by
/// `openssl`, and each signed assertion the token endpoint receives is checked by `openssl` too,
/// against the certificate's public key and thumbprints.
@Suite("OAuth 2.0 client assertions (certificate, service account)", .serialized)
struct MailboxOAuth2AssertionTests {
    /// A directory with `key.pem` (PKCS#8, as openssl and Google write it), `cert.pem` and
    /// `public.pem`.
    final class KeyFiles: Sendable {
        let directory: URL
        init() async throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("cg-oauth-keys-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try await Self.openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("key.pem"), "-out", path("cert.pem"),
                "-subj", "/CN=complaint-gateway", "-days", "2",
            ])
            try await Self.openssl(["x509", "-in", path("cert.pem"), "-pubkey", "-noout", "-out", path("public.pem")])
            chmod(path("key.pem"), 0o600)
        }
        deinit { try? FileManager.default.removeItem(at: directory) }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        @discardableResult
        static func openssl(_ arguments: [String]) async throws -> String {
            let (status, output) = try await spawnCapturingOutput(
                "/usr/bin/openssl", arguments, errorOutput: nil, errorsToOutput: true)
            let text = String(decoding: output, as: UTF8.self)
            guard status == 0 else { throw TestTimeout("openssl \(arguments.first ?? ""): \(text)") }
            return text
        }

        /// The certificate's fingerprint by openssl, as a JWT thumbprint (base64url of the digest).
        func thumbprint(_ digest: String) async throws -> String {
            let line = try await Self.openssl(["x509", "-in", path("cert.pem"), "-noout", "-fingerprint", "-\(digest)"])
            let hex = line.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let bytes = hex.split(separator: ":").compactMap { UInt8($0, radix: 16) }
            return OAuth2SigningKey.base64URL(Data(bytes))
        }

        /// Whether openssl finds `jwt`'s RS256 signature made by this certificate's key.
        func verifies(_ jwt: String) async throws -> Bool {
            let parts = jwt.split(separator: ".")
            guard parts.count == 3, let signature = base64URLDecoded(parts[2]) else { return false }
            try Data("\(parts[0]).\(parts[1])".utf8).write(to: URL(fileURLWithPath: path("input")))
            try signature.write(to: URL(fileURLWithPath: path("signature")))
            let (status, _) = try await spawnCapturingOutput(
                "/usr/bin/openssl",
                ["dgst", "-sha256", "-verify", path("public.pem"), "-signature", path("signature"), path("input")],
                errorOutput: nil)
            return status == 0
        }
    }

    static func base64URLDecoded(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    /// The JSON object in a JWT part.
    static func json(_ part: some StringProtocol) -> [String: Any] {
        base64URLDecoded(part).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    }

    /// A form body's fields, decoded.
    static func form(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let sides = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[sides[0]] = sides.count > 1 ? sides[1] : ""
        }
        return fields
    }

    static let tokenAnswer = DownstreamServer.Script.json { _ in (200, #"{"access_token":"t","expires_in":3599}"#) }

    @Test("a certificate credential sends a signed client_assertion naming the certificate, and no secret")
    func certificate() async throws {
        let keys = try await KeyFiles()
        let identity = try await DownstreamServer.start(scripts: ["/token": Self.tokenAnswer])
        let settings = try #require(
            try GatewayConfiguration.load(
                directory: RunningGateway.configDirectory,
                environment: [
                    "GATEWAY_TOKEN": RunningGateway.token, "IMAP_URL": "imaps://outlook.office365.com/INBOX",
                    "IMAP_USER": "complaints@city.example", "IMAP_OAUTH_TOKEN_URL": identity.baseURL + "/token",
                    "IMAP_OAUTH_CLIENT_ID": "app-id", "IMAP_OAUTH_CLIENT_CERTIFICATE": keys.path("cert.pem"),
                    "IMAP_OAUTH_CLIENT_KEY": keys.path("key.pem"),
                    "IMAP_OAUTH_SCOPE": "https://outlook.office365.com/.default",
                ]
            ).email.mailboxes.first?.mailbox.oauth2)
        let before = Int(Date().timeIntervalSince1970)
        #expect(try OAuth2Tokens(settings, mailboxName: "box").token() == "t")
        let request = try #require(identity.requests(to: "/token").first)
        let fields = Self.form(request.body)
        #expect(fields["grant_type"] == "client_credentials")
        #expect(fields["client_id"] == "app-id")
        #expect(fields["scope"] == "https://outlook.office365.com/.default")
        #expect(fields["client_secret"] == nil)
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let assertion = try #require(fields["client_assertion"])
        #expect(try await keys.verifies(assertion))
        let parts = assertion.split(separator: ".")
        #expect(try await !keys.verifies("\(parts[0]).\(parts[1])x.\(parts[2])"), "a changed claim still verified")
        let header = Self.json(parts[0])
        #expect(header["alg"] as? String == "RS256" && header["typ"] as? String == "JWT")
        #expect(header["x5t"] as? String == (try await keys.thumbprint("sha1")))
        #expect(header["x5t#S256"] as? String == (try await keys.thumbprint("sha256")))
        let claims = Self.json(parts[1])
        #expect(claims["aud"] as? String == identity.baseURL + "/token")
        #expect(claims["iss"] as? String == "app-id" && claims["sub"] as? String == "app-id")
        #expect((claims["jti"] as? String)?.isEmpty == false)
        let issued = try #require(claims["iat"] as? Int)
        #expect(issued >= before && issued <= before + 60)
        #expect(claims["nbf"] as? Int == issued && claims["exp"] as? Int == issued + 600)
        await identity.stop()
    }

    @Test("a service account's key file signs a JWT bearer grant acting as the mailbox's user")
    func serviceAccount() async throws {
        let keys = try await KeyFiles()
        let identity = try await DownstreamServer.start(scripts: ["/token": Self.tokenAnswer])
        let file = keys.directory.appendingPathComponent("service-account.json")
        let account: [String: Any] = [
            "type": "service_account", "project_id": "city-complaints", "private_key_id": "0f1e2d3c",
            "private_key": try String(contentsOfFile: keys.path("key.pem"), encoding: .utf8),
            "client_email": "gateway@city-complaints.iam.gserviceaccount.com", "client_id": "1234567890",
            "token_uri": "https://oauth2.googleapis.com/token",
        ]
        try JSONSerialization.data(withJSONObject: account).write(to: file)
        chmod(file.path, 0o600)
        let configuration = try GatewayConfiguration.load(
            directory: RunningGateway.configDirectory,
            environment: [
                "GATEWAY_TOKEN": RunningGateway.token, "IMAP_URL": "imaps://imap.gmail.com/INBOX",
                "IMAP_USER": "complaints@city.example", "IMAP_OAUTH_TOKEN_URL": identity.baseURL + "/token",
                "IMAP_OAUTH_SERVICE_ACCOUNT_FILE": file.path,
            ])
        let settings = try #require(configuration.email.mailboxes.first?.mailbox.oauth2)
        #expect(try OAuth2Tokens(settings, mailboxName: "box").token() == "t")
        let fields = Self.form(try #require(identity.requests(to: "/token").first).body)
        #expect(Set(fields.keys) == ["grant_type", "assertion"])
        #expect(fields["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let assertion = try #require(fields["assertion"])
        #expect(try await keys.verifies(assertion))
        let parts = assertion.split(separator: ".")
        #expect(Self.json(parts[0])["kid"] as? String == "0f1e2d3c")
        let claims = Self.json(parts[1])
        #expect(claims["iss"] as? String == "gateway@city-complaints.iam.gserviceaccount.com")
        #expect(claims["sub"] as? String == "complaints@city.example")
        #expect(claims["scope"] as? String == "https://mail.google.com/")
        #expect(claims["aud"] as? String == identity.baseURL + "/token")
        #expect((claims["exp"] as? Int).map { $0 - (claims["iat"] as? Int ?? 0) } == 3600)
        await identity.stop()
    }

    @Test("one credential; a certificate with its key; files that are what they claim; a key only its owner reads")
    func credentialsChecked() async throws {
        let keys = try await KeyFiles()
        let issues = MailboxOAuth2Tests.configurationIssues
        let certificate = ["IMAP_OAUTH_CLIENT_SECRET": "", "IMAP_OAUTH_CLIENT_CERTIFICATE": keys.path("cert.pem")]
        func has(_ extra: [String: String], _ text: String) -> Bool {
            let found = issues(extra)
            let hit = found.contains { $0.contains(text) }
            if !hit { Issue.record("\(text) not in \(found)") }
            return hit
        }
        #expect(issues(certificate.merging(["IMAP_OAUTH_CLIENT_KEY": keys.path("key.pem")]) { $1 }).last == "oauth2")
        #expect(has(["IMAP_OAUTH_CLIENT_CERTIFICATE": keys.path("cert.pem")], "one credential only, not several"))
        #expect(has(certificate, "client_certificate needs client_key"))
        #expect(
            has(
                certificate.merging(["IMAP_OAUTH_CLIENT_KEY": keys.path("missing.pem")]) { $1 },
                "client_key: cannot read \(keys.path("missing.pem"))"))
        // The certificate where the key should be, and the key where the certificate should be.
        #expect(
            has(
                certificate.merging(["IMAP_OAUTH_CLIENT_KEY": keys.path("cert.pem")]) { $1 },
                "client_key: not an unencrypted PEM RSA private key"))
        #expect(
            has(
                [
                    "IMAP_OAUTH_CLIENT_SECRET": "", "IMAP_OAUTH_CLIENT_CERTIFICATE": keys.path("key.pem"),
                    "IMAP_OAUTH_CLIENT_KEY": keys.path("key.pem"),
                ], "client_certificate: no PEM certificate"))
        chmod(keys.path("key.pem"), 0o644)
        #expect(
            has(
                certificate.merging(["IMAP_OAUTH_CLIENT_KEY": keys.path("key.pem")]) { $1 },
                "client_key: the key file is readable by other users (mode 644)"))
        #expect(
            has(
                ["IMAP_OAUTH_CLIENT_SECRET": "", "IMAP_OAUTH_SERVICE_ACCOUNT_FILE": keys.path("cert.pem")],
                "service_account_file: not a service account key file"))
        #expect(
            has(
                ["IMAP_OAUTH_CLIENT_SECRET": "", "IMAP_OAUTH_CLIENT_KEY": keys.path("key.pem")],
                "client_key: client_key needs client_certificate"))
        let file = keys.directory.appendingPathComponent("service-account.json")
        let account = [
            "client_email": "gateway@city.iam.gserviceaccount.com",
            "private_key": try String(contentsOfFile: keys.path("key.pem"), encoding: .utf8),
        ]
        try JSONSerialization.data(withJSONObject: account).write(to: file)
        chmod(file.path, 0o600)
        let serviceAccount = ["IMAP_OAUTH_CLIENT_SECRET": "", "IMAP_OAUTH_SERVICE_ACCOUNT_FILE": file.path]
        #expect(issues(serviceAccount).last == "oauth2")
        #expect(
            has(
                serviceAccount.merging(["IMAP_OAUTH_REFRESH_TOKEN": "1//r"]) { $1 },
                "refresh_token: a service account takes no refresh_token"))
        #expect(has(serviceAccount.merging(["IMAP_USER": ""]) { $1 }, "subject: the user to act as is needed"))
    }
}
