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
        /// `start` (`all`, the default): the first poll of a mailbox never polled before takes every
        /// message in the folder, read ones too; `new` takes only the messages that arrive after it.
        public var startWithNewOnly = false
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

    static func read(_ node: ConfigNode) -> EmailSettings {
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
                "move_to", "start", "oauth2", "proxy",
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
            mailbox.oauth2 = Self.readOAuth2(entry)
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
            settings.mailboxes.append(polled)
        }
        return settings
    }

    /// `oauth2:` of a mailbox entry: nil when absent, or when its `token_url` is empty (so a
    /// sample config can read it from the environment and leave it off).
    private static func readOAuth2(_ entry: ConfigNode) -> OAuth2Settings? {
        let node = entry["oauth2"]
        guard node.isPresent,
            node.expectMapping(allowedKeys: ["token_url", "client_id", "client_secret", "scope", "refresh_token"]),
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
        guard let clientID = node["client_id"].requiredString(),
            let clientSecret = node["client_secret"].requiredSecretString()
        else { return nil }
        let refreshToken = node["refresh_token"].secretString().flatMap { $0.isEmpty ? nil : $0 }
        return OAuth2Settings(
            tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret,
            scope: node["scope"].string().flatMap { $0.isEmpty ? nil : $0 }, refreshToken: refreshToken)
    }
}
