import ComplaintCore
import Foundation

/// What a bearer token may do.
public enum Scope: String, Sendable, Hashable, CaseIterable {
    /// Submit complaints (`POST /v1/complaints`, `/v1/email`).
    case submit
    /// Upload hotline call logs.
    case upload
    /// Read complaints, explain routing.
    case read
    /// Reload rules, dead letters, quarantine.
    case admin
}

/// `auth:` in gateway.yaml: named bearer tokens and their scopes.
public struct AuthSettings: Sendable, Hashable {
    /// One token entry: `{name, token, scopes, expires}`; `scopes: ["*"]` grants every scope.
    public struct Token: Sendable, Hashable {
        public var name: String
        public var secret: String
        public var scopes: Set<Scope>
        /// `expires` (RFC 3339, optional): from then on the token is refused with 401, so a rotated
        /// token stops working on its own even if nobody remembers to remove it.
        public var expiresAt: Date?

        public init(name: String, secret: String, scopes: Set<Scope>, expiresAt: Date? = nil) {
            self.name = name
            self.secret = secret
            self.scopes = scopes
            self.expiresAt = expiresAt
        }
    }

    public var tokens: [Token]

    public init(tokens: [Token]) { self.tokens = tokens }

    static func read(_ node: ConfigNode) -> AuthSettings {
        node.expectMapping(allowedKeys: ["tokens"])
        if !node["tokens"].isPresent { node["tokens"].error("required field is missing: at least one token") }
        var tokens: [Token] = []
        var names: Set<String> = []
        for entry in node["tokens"].items() {
            entry.expectMapping(allowedKeys: ["name", "token", "scopes", "expires"])
            let name = entry["name"].requiredString() ?? ""
            if !name.isEmpty, !names.insert(name).inserted { entry["name"].error("duplicate token name \"\(name)\"") }
            let secret = entry["token"].requiredSecretString() ?? ""
            if !secret.isEmpty, secret.count < 16 {
                entry["token"].warning(
                    "token \"\(name)\" is shorter than 16 characters; use a long random value in production")
            }
            var scopes: Set<Scope> = []
            for value in entry["scopes"].stringList() {
                if value == "*" {
                    scopes.formUnion(Scope.allCases)
                } else if let scope = Scope(rawValue: value) {
                    scopes.insert(scope)
                } else {
                    entry["scopes"].error(
                        "unknown scope \"\(value)\" (scopes: *, \(Scope.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
            if !entry["scopes"].isPresent { entry["scopes"].error("required field is missing") }
            var expiresAt: Date?
            if let text = entry["expires"].string() {
                expiresAt = RFC3339.parse(text)
                if expiresAt == nil {
                    entry["expires"].error("expected an RFC 3339 time such as 2026-12-31T00:00:00Z, found \"\(text)\"")
                }
            }
            tokens.append(Token(name: name, secret: secret, scopes: scopes, expiresAt: expiresAt))
        }
        let secrets = tokens.map(\.secret).filter { !$0.isEmpty }
        if Set(secrets).count != secrets.count { node["tokens"].error("two tokens have the same secret") }
        return AuthSettings(tokens: tokens)
    }
}
