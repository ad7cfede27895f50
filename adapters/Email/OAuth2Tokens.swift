import CCurlShim
import Foundation
import Synchronization

/// Where a mailbox gets its OAuth 2.0 access tokens, for servers that take no password: Microsoft
/// 365 (Exchange Online turned basic authentication off for IMAP), and Gmail without app passwords.
public struct OAuth2Settings: Sendable, Hashable {
    /// The authorization server's token endpoint, e.g.
    /// `https://login.microsoftonline.com/TENANT/oauth2/v2.0/token`.
    public var tokenURL: String
    public var clientID: String
    /// How the application proves who it is.
    public var credential: Credential
    /// Microsoft: `https://outlook.office365.com/.default`; Google: `https://mail.google.com/`.
    public var scope: String?
    /// With one, tokens come by the `refresh_token` grant (a user's consent given once: Google,
    /// Microsoft's delegated access); without, by `client_credentials` (an app granted the
    /// mailbox by its administrator: Microsoft's service principals).
    public var refreshToken: String?

    /// The application's credential.
    public enum Credential: Sendable, Hashable {
        /// A client secret, sent in the request body (RFC 6749 §2.3.1).
        case secret(String)
        /// A certificate registered with the application (Microsoft Entra ID's certificate
        /// credential, which tenants that forbid client secrets require): each request carries
        /// a short-lived JWT signed with its key (RFC 7523 §2.2).
        case certificate(OAuth2SigningKey)
        /// A Google service account with domain-wide delegation: the JWT bearer grant (RFC 7523
        /// §2.1), signed with the account's key, acting as `subject` (the mailbox's user).
        case serviceAccount(OAuth2SigningKey, email: String, subject: String)
    }

    public init(
        tokenURL: String, clientID: String, credential: Credential, scope: String? = nil, refreshToken: String? = nil
    ) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.credential = credential
        self.scope = scope
        self.refreshToken = refreshToken
    }

    public init(
        tokenURL: String, clientID: String, clientSecret: String, scope: String? = nil, refreshToken: String? = nil
    ) {
        self.init(
            tokenURL: tokenURL, clientID: clientID, credential: .secret(clientSecret), scope: scope,
            refreshToken: refreshToken)
    }

    /// The token request's form body (RFC 6749 §4.4, §6; RFC 7523), the client authenticated in
    /// the body, as Microsoft and Google both accept. Signs a new assertion for a key credential.
    func formBody(now: Date = Date()) throws -> String {
        let grant = refreshToken == nil ? "client_credentials" : "refresh_token"
        var extra: [(String, String)] = []
        if let refreshToken { extra.append(("refresh_token", refreshToken)) }
        if let scope, !scope.isEmpty { extra.append(("scope", scope)) }
        let issued = Int(now.timeIntervalSince1970)
        let fields: [(String, String)]
        switch credential {
        case .secret(let secret):
            fields = [("grant_type", grant), ("client_id", clientID), ("client_secret", secret)] + extra
        case .certificate(let key):
            let assertion = try key.sign(claims: [
                "aud": tokenURL, "iss": clientID, "sub": clientID, "jti": UUID().uuidString,
                "nbf": issued, "iat": issued, "exp": issued + 600,
            ])
            fields =
                [
                    ("grant_type", grant), ("client_id", clientID),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion),
                ] + extra
        case .serviceAccount(let key, let email, let subject):
            // The scope travels in the assertion; there is no refresh token and no client id.
            let assertion = try key.sign(claims: [
                "iss": email, "sub": subject, "scope": scope ?? "https://mail.google.com/", "aud": tokenURL,
                "iat": issued, "exp": issued + 3600,
            ])
            fields = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
        }
        return fields.map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
    }

    private static func formEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: formCharacters) ?? value
    }

    private static let formCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._*")
}

/// A mailbox's access token, fetched when there is none or it is about to expire, and kept
/// between polls (a token endpoint asked every 30 s would throttle the app).
public final class OAuth2Tokens: Sendable {
    public let settings: OAuth2Settings
    private let mailboxName: String
    /// The mailbox's proxy (``IMAPMailbox/proxy``): the token endpoint is reached the same way.
    private let proxy: String?
    private let cached = Mutex<(token: String, expires: Date)?>(nil)
    /// A token this close to its expiry is fetched anew: a poll may last a while.
    static let expiryMargin: TimeInterval = 60

    public init(_ settings: OAuth2Settings, mailboxName: String, proxy: String? = nil) {
        self.settings = settings
        self.mailboxName = mailboxName
        self.proxy = proxy
    }

    /// The token to log in with. Blocking (the token request): call it where the IMAP session runs.
    /// - Parameter cancel: once raised, a token request in progress ends within about a second.
    public func token(now: Date = Date(), cancel: CancelFlag? = nil) throws -> String {
        if let kept = cached.withLock({ $0 }), kept.expires.timeIntervalSince(now) > Self.expiryMargin {
            return kept.token
        }
        let (token, lifetime) = try fetch(cancel: cancel)
        // Without `expires_in` (optional in RFC 6749) it is used for this poll only.
        cached.withLock { $0 = lifetime.map { (token, now.addingTimeInterval($0)) } }
        return token
    }

    /// Forgets the token: the server refused it (revoked, or the app's permission withdrawn), and
    /// the next poll asks for a new one.
    public func discard() { cached.withLock { $0 = nil } }

    private func fetch(cancel: CancelFlag?) throws -> (String, TimeInterval?) {
        var buffer = cg_buffer(data: nil, length: 0, capacity: 0, limit: 1 << 20, overflowed: 0)
        defer { cg_buffer_free(&buffer) }
        var status = 0
        var error = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        let form: String
        do {
            form = try settings.formBody()
        } catch {
            throw IMAPError(description: "\(mailboxName): cannot sign the OAuth 2.0 assertion: \(error)")
        }
        let code = cg_http_post_form(settings.tokenURL, form, 30, proxy, cancel?.pointer, &buffer, &status, &error)
        if code == CURLE_ABORTED_BY_CALLBACK { throw CancellationError() }
        let what = "\(mailboxName): the OAuth 2.0 token endpoint \(settings.tokenURL)"
        guard code == CURLE_OK else {
            var failure = IMAPError(
                description: "\(what) cannot be reached: \(libcurlMessage(error))\(throughProxy(proxy))")
            failure.unreachable = true
            throw failure
        }
        let body = buffer.data.map { Data(bytes: $0, count: buffer.length) } ?? Data()
        let answer = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        guard status == 200, let token = answer?["access_token"] as? String, !token.isEmpty else {
            // RFC 6749 §5.2: `error` and `error_description`, e.g. Microsoft's "invalid_client:
            // AADSTS7000215: Invalid client secret provided".
            let reason = [answer?["error"] as? String, answer?["error_description"] as? String]
                .compactMap { $0 }.joined(separator: ": ")
            let said = reason.isEmpty ? String(decoding: body.prefix(200), as: UTF8.self) : reason
            var failure = IMAPError(description: "\(what) answered \(status): \(said.isEmpty ? "no token" : said)")
            // A refusal of the app's credentials: like a refused password, not tried again at once.
            failure.loginDenied = (400..<500).contains(status)
            failure.unreachable = status >= 500
            throw failure
        }
        let lifetime: TimeInterval? =
            switch answer?["expires_in"] {
            case let seconds as Int: TimeInterval(seconds)
            case let seconds as Double: seconds
            case let text as String: TimeInterval(text)
            default: nil
            }
        return (token, lifetime)
    }
}
