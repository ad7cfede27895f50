import ComplaintCore
import ComplaintDispatch
import EmailAdapter
import Foundation

/// `email:` in gateway.yaml.
public struct EmailSettings: Sendable, Hashable {
    /// `max_message_bytes` (default 32 MiB): a larger raw message gets 413 from `POST /v1/email`.
    public var maxMessageBytes: Int
    /// `max_attachment_bytes` (default 10 MiB): a larger attachment is listed in the record but its
    /// bytes are not stored apart from the raw message (which still holds them).
    public var maxAttachmentBytes: Int
    /// `mailboxes`: IMAP mailboxes to poll. An entry whose `url` is empty is switched off, so the
    /// sample config can read it from `IMAP_URL` and poll only when that is set.
    public var mailboxes: [PolledMailbox]

    /// One polled mailbox and how often.
    public struct PolledMailbox: Sendable, Hashable {
        public var mailbox: IMAPMailbox
        public var pollSeconds: Int
        /// `stall_timeout_s` (30): a connection, or a transfer, that moves no byte this long is
        /// given up (a transfer is never cut for its total time, so a large message on a slow
        /// link still arrives); the poll is tried again at the next interval.
        public var stallSeconds = 30
        /// `start` (`all`, the default): the first poll of a mailbox never polled before takes every
        /// message in the folder, read ones too; `new` takes only the messages that arrive after it.
        public var startWithNewOnly = false

        /// One line for `config check`, no secret in it: `complaints-inbox: imaps://imap.example.cn:993/
        /// INBOX every 30 s, login by OAuth 2.0 (certificate), through the proxy 10.1.2.3:3128, a stall
        /// given up after 30 s`.
        public var summary: String {
            let login: String =
                switch mailbox.oauth2?.credential {
                case nil: "password"
                case .secret: "OAuth 2.0 (client secret)"
                case .certificate: "OAuth 2.0 (certificate)"
                case .serviceAccount(_, let email, let subject): "OAuth 2.0 (service account \(email) as \(subject))"
                }
            let proxy =
                mailbox.proxy.flatMap { try? EndpointProxy(url: $0) }.map { "through the proxy \($0)" } ?? "direct"
            return
                "\(mailbox.name): \(mailbox.serverURL)\(mailbox.folder) every \(pollSeconds) s"
                + (startWithNewOnly ? " (new mail only)" : "")
                + ", login by \(login), \(proxy), a stall given up after \(stallSeconds) s"
        }
    }

    public init(maxMessageBytes: Int = 32 << 20, maxAttachmentBytes: Int = 10 << 20, mailboxes: [PolledMailbox] = []) {
        self.maxMessageBytes = maxMessageBytes
        self.maxAttachmentBytes = maxAttachmentBytes
        self.mailboxes = mailboxes
    }

    /// `imap://127.0.0.1:…/`, `imap://localhost/`, `imap://[::1]/`: a server on this machine.
    static func isLoopback(_ serverURL: String) -> Bool {
        guard let host = URL(string: serverURL)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// - Parameter directory: the configuration directory, which key files are relative to.
    static func read(_ node: ConfigNode, directory: URL? = nil) -> EmailSettings {
        node.expectMapping(allowedKeys: ["max_message_bytes", "max_attachment_bytes", "mailboxes"])
        var settings = EmailSettings()
        settings.maxMessageBytes = node["max_message_bytes"].int(
            default: settings.maxMessageBytes, in: 1024...(1 << 30))
        settings.maxAttachmentBytes = node["max_attachment_bytes"].int(
            default: settings.maxAttachmentBytes, in: 0...(1 << 30))
        var names = Set<String>()
        for entry in node["mailboxes"].items() {
            entry.expectMapping(allowedKeys: [
                "name", "url", "user", "password", "poll_seconds", "security", "verify_peer", "flags_after_commit",
                "move_to", "start", "oauth2", "proxy", "stall_timeout_s",
            ])
            guard let url = entry["url"].string(), !url.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let (server, folder) = IMAPMailbox.split(url: url) else {
                entry["url"].error("expected imap://HOST[:PORT]/FOLDER or imaps://…, found \"\(url)\"")
                continue
            }
            let name = entry["name"].string() ?? "imap"
            if !names.insert(name).inserted { entry["name"].error("duplicate mailbox name \"\(name)\"") }
            let security = entry["security"].oneOf(
                IMAPMailbox.Security.self, default: url.hasPrefix("imaps://") ? .required : .starttlsIfOffered)
            var mailbox = IMAPMailbox(
                name: name, serverURL: server, folder: folder, user: entry["user"].string() ?? "",
                password: entry["password"].string() ?? "", security: security,
                verifyPeer: entry["verify_peer"].bool(default: true),
                flagsAfterCommit: entry["flags_after_commit"].string() ?? "\\Seen $CGImported",
                moveTo: entry["move_to"].string().flatMap { $0.isEmpty ? nil : $0 })
            mailbox.oauth2 = Self.readOAuth2(entry, user: mailbox.user, directory: directory)
            // The form a department endpoint's proxy takes; libcurl reads the URL as written.
            mailbox.proxy = EndpointProxy.read(entry["proxy"])?.url
            if mailbox.oauth2 != nil, !mailbox.password.isEmpty {
                entry["password"].error("a mailbox logs in with a password or with oauth2, not both: remove one")
            }
            // A password sent where it can be read: a plain connection (or STARTTLS only if the
            // server offers it, which a network in between can strip) to a host not on this machine.
            if security != .required, !Self.isLoopback(server) {
                entry["security"].warning(
                    "the \(mailbox.oauth2 == nil ? "password" : "access token") goes in clear text if \(server) "
                        + "offers no STARTTLS (or a network in between removes it): use imaps:// or security: required")
            }
            let start = entry["start"].string() ?? "all"
            if start != "all" && start != "new" { entry["start"].error("expected all or new, found \"\(start)\"") }
            var polled = PolledMailbox(
                mailbox: mailbox, pollSeconds: entry["poll_seconds"].int(default: 30, in: 1...86_400))
            polled.startWithNewOnly = start == "new"
            polled.stallSeconds = entry["stall_timeout_s"].int(default: 30, in: 5...3600)
            settings.mailboxes.append(polled)
        }
        return settings
    }

    /// `oauth2:` of a mailbox entry: nil when absent, or when its `token_url` is empty (so a
    /// sample config can read it from the environment and leave it off).
    private static func readOAuth2(_ entry: ConfigNode, user: String, directory: URL?) -> OAuth2Settings? {
        let node = entry["oauth2"]
        guard node.isPresent,
            node.expectMapping(allowedKeys: [
                "token_url", "client_id", "client_secret", "client_certificate", "client_key",
                "service_account_file", "subject", "scope", "refresh_token",
            ]),
            let tokenURL = node["token_url"].string(), !tokenURL.trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        let url = URL(string: tokenURL)
        guard let scheme = url?.scheme?.lowercased(), scheme == "https" || scheme == "http", url?.host != nil else {
            node["token_url"].error("expected an https:// URL, found \"\(tokenURL)\"")
            return nil
        }
        // The client secret would travel in clear text.
        if scheme == "http", !isLoopback(tokenURL) {
            node["token_url"].error("an http:// token endpoint is allowed on this machine only: use https://")
        }
        guard let credential = readCredential(node, user: user, directory: directory) else { return nil }
        let refreshToken = node["refresh_token"].secretString().flatMap { $0.isEmpty ? nil : $0 }
        if case .serviceAccount = credential, refreshToken != nil {
            node["refresh_token"].error(
                "a service account takes no refresh_token: it acts as the mailbox's user itself")
        }
        return OAuth2Settings(
            tokenURL: tokenURL, clientID: node["client_id"].string() ?? "", credential: credential,
            scope: node["scope"].string().flatMap { $0.isEmpty ? nil : $0 }, refreshToken: refreshToken)
    }

    /// The application's one credential: `client_secret`, `client_certificate` with `client_key`
    /// (Microsoft), or `service_account_file` (Google). Empty values count as absent, so the sample
    /// config can offer all three from the environment.
    private static func readCredential(
        _ node: ConfigNode, user: String, directory: URL?
    ) -> OAuth2Settings.Credential? {
        func given(_ key: String) -> Bool { !(node[key].string() ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        let kinds = [
            given("client_secret"), given("client_certificate") || given("client_key"), given("service_account_file"),
        ]
        let choices = "client_secret, client_certificate with client_key, or service_account_file"
        guard kinds.contains(true) else {
            node["client_secret"].error("the application needs a credential: \(choices)")
            return nil
        }
        guard kinds.filter({ $0 }).count == 1 else {
            node.error("one credential only, not several: \(choices)")
            return nil
        }
        if given("subject") && !given("service_account_file") {
            node["subject"].error("subject applies to a service_account_file only")
        }
        if given("client_secret") {
            guard node["client_id"].requiredString() != nil, let secret = node["client_secret"].requiredSecretString()
            else { return nil }
            return .secret(secret)
        }
        if given("service_account_file") { return readServiceAccount(node, user: user, directory: directory) }
        guard node["client_id"].requiredString() != nil else { return nil }
        for (key, other) in [("client_certificate", "client_key"), ("client_key", "client_certificate")]
        where !given(key) {
            node[other].error("\(other) needs \(key)")
            return nil
        }
        guard let certificate = node["client_certificate"].readableFile(in: directory),
            let keyFile = node["client_key"].readableFile(in: directory)
        else { return nil }
        node["client_key"].warnIfReadableByOthers(keyFile)
        guard let certificatePEM = try? String(contentsOfFile: certificate, encoding: .utf8),
            let keyPEM = try? String(contentsOfFile: keyFile, encoding: .utf8)
        else {
            node.error("the certificate and key files must be PEM text")
            return nil
        }
        do {
            return .certificate(try OAuth2SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM))
        } catch {
            node[error.description.hasPrefix("no PEM certificate") ? "client_certificate" : "client_key"]
                .error(error.description)
            return nil
        }
    }

    /// A Google service account's JSON key file (`client_email`, `private_key`, `private_key_id`),
    /// acting as `subject` (by default the mailbox's user) by domain-wide delegation.
    private static func readServiceAccount(
        _ node: ConfigNode, user: String, directory: URL?
    ) -> OAuth2Settings.Credential? {
        let field = node["service_account_file"]
        guard let path = field.readableFile(in: directory) else { return nil }
        field.warnIfReadableByOthers(path)
        guard let data = FileManager.default.contents(atPath: path),
            let file = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let email = file["client_email"] as? String, let keyPEM = file["private_key"] as? String
        else {
            field.error("not a service account key file: JSON with client_email and private_key expected")
            return nil
        }
        let subject = node["subject"].string().flatMap { $0.isEmpty ? nil : $0 } ?? user
        if subject.isEmpty { node["subject"].error("the user to act as is needed: set subject, or the mailbox's user") }
        do {
            let key = try OAuth2SigningKey(privateKeyPEM: keyPEM, keyID: file["private_key_id"] as? String)
            return .serviceAccount(key, email: email, subject: subject)
        } catch {
            field.error("its private_key is \(error.description)")
            return nil
        }
    }
}
