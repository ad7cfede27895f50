import ComplaintCore
import Foundation

/// `sms:` in gateway.yaml: the public base URL providers call and one entry per enabled provider.
///
/// ```yaml
/// sms:
///   public_base_url: ${PUBLIC_BASE_URL:-http://127.0.0.1:8080}
///   timestamp_tolerance_s: 300
///   providers:
///     twilio: { auth_token: ${TWILIO_AUTH_TOKEN:-} }
/// ```
/// A provider whose secret is empty is switched off with a warning (its URL answers 404), so the sample
/// config runs with only the providers whose secrets are set.
public struct SMSConfiguration: Sendable {
    /// `public_base_url`: scheme://host[:port] the providers see; when empty, `http://` + the request's Host.
    public var publicURL: PublicURL
    /// Enabled providers by the `{provider}` of their URL.
    public var providers: [String: any SMSProvider]
    /// `concat_timeout_s`: how long parts of a concatenated SMS wait for the rest (default 300).
    public var concatTimeout: TimeInterval

    public init(
        publicURL: PublicURL = .requestHost, providers: [String: any SMSProvider] = [:],
        concatTimeout: TimeInterval = 300
    ) {
        self.publicURL = publicURL
        self.providers = providers
        self.concatTimeout = concatTimeout
    }

    /// The provider kinds a `type:` (or the entry's name) may be.
    public static let kinds = ["twilio", "vonage", "plivo", "telnyx", "aliyun", "tencent", "generic"]

    /// Reads and validates the section; problems go to the node's diagnostics with file and line.
    public static func read(_ node: ConfigNode) -> SMSConfiguration {
        guard node.isPresent else { return SMSConfiguration() }
        node.expectMapping(allowedKeys: ["public_base_url", "timestamp_tolerance_s", "concat_timeout_s", "providers"])
        let base = node["public_base_url"].string()?.trimmingCharacters(in: .whitespaces) ?? ""
        if !base.isEmpty, !(base.hasPrefix("http://") || base.hasPrefix("https://")) || base.contains("?") {
            node["public_base_url"].error("must be an http:// or https:// base URL without a query, found \"\(base)\"")
        }
        let publicURL = base.isEmpty ? PublicURL.requestHost : PublicURL(base: base)
        let timestamps = WebhookTimestamp(
            toleranceSeconds: node["timestamp_tolerance_s"].int(default: 300, in: 1...3600))
        var providers: [String: any SMSProvider] = [:]
        for (name, entry) in node["providers"].entries() {
            if !name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) {
                entry.error("provider name \"\(name)\" must be lowercase letters, digits and '-' (it is a URL segment)")
                continue
            }
            let kind = entry["type"].string() ?? name
            guard kinds.contains(kind) else {
                entry.error(
                    "unknown SMS provider \"\(kind)\" (known: \(kinds.joined(separator: ", ")); set type: for a custom name)"
                )
                continue
            }
            if let provider = build(kind, name: name, entry, publicURL: publicURL, timestamps: timestamps) {
                providers[name] = provider
            }
        }
        let concatTimeout = node["concat_timeout_s"].int(default: 300, in: 1...86_400)
        return SMSConfiguration(publicURL: publicURL, providers: providers, concatTimeout: TimeInterval(concatTimeout))
    }

    /// The secret at `key`; nil (with a warning) when empty, which switches the provider off.
    private static func secret(_ entry: ConfigNode, _ key: String, provider: String) -> String? {
        guard let value = entry[key].secretString(), !value.isEmpty else {
            entry[key].warning("SMS provider \"\(provider)\" is off: \(key) is empty")
            return nil
        }
        return value
    }

    private static func build(
        _ kind: String, name: String, _ entry: ConfigNode, publicURL: PublicURL, timestamps: WebhookTimestamp
    ) -> (any SMSProvider)? {
        var allowed: Set<String> = ["type", "enabled"]
        defer { entry.expectMapping(allowedKeys: allowed) }
        switch kind {
        case "twilio": allowed.formUnion(["auth_token", "shared_key_secret"])
        case "vonage": allowed.formUnion(["signature_secret", "signature_method"])
        case "plivo": allowed.insert("auth_token")
        case "telnyx": allowed.insert("public_key")
        case "aliyun", "tencent": allowed.insert("token")
        default: allowed.formUnion(["secret", "fields"])
        }
        guard entry["enabled"].bool(default: true) else { return nil }
        switch kind {
        case "twilio":
            guard let token = secret(entry, "auth_token", provider: name) else { return nil }
            let shared = entry["shared_key_secret"].secretString().flatMap { $0.isEmpty ? nil : $0 }
            return TwilioProvider(name: name, authToken: token, sharedKeySecret: shared, publicURL: publicURL)
        case "vonage":
            let method = entry["signature_method"].oneOf(VonageSignature.Method.self, default: .md5hash)
            guard let key = secret(entry, "signature_secret", provider: name) else { return nil }
            return VonageProvider(name: name, secret: key, method: method, timestamps: timestamps)
        case "plivo":
            guard let token = secret(entry, "auth_token", provider: name) else { return nil }
            return PlivoProvider(name: name, authToken: token, publicURL: publicURL)
        case "telnyx":
            guard let text = secret(entry, "public_key", provider: name) else { return nil }
            guard let key = TelnyxSignature.publicKey(base64: text) else {
                entry["public_key"].error("must be the base64 of a 32-byte Ed25519 public key")
                return nil
            }
            return TelnyxProvider(name: name, publicKey: key, timestamps: timestamps)
        case "aliyun", "tencent":
            guard let token = secret(entry, "token", provider: name) else { return nil }
            if token.utf8.count < 24 {
                entry["token"].warning("the URL token is the only credential; use at least 24 random characters")
            }
            return kind == "aliyun"
                ? AliyunProvider(name: name, token: token) : TencentProvider(name: name, token: token)
        default:
            let fields = entry["fields"]
            fields.expectMapping(allowedKeys: ["id", "from", "text", "received_at"])
            let defaults = GenericJSONProvider.FieldPaths()
            let paths = GenericJSONProvider.FieldPaths(
                id: fields["id"].string() ?? defaults.id, from: fields["from"].string() ?? defaults.from,
                text: fields["text"].string() ?? defaults.text,
                receivedAt: fields["received_at"].string() ?? defaults.receivedAt)
            guard let text = secret(entry, "secret", provider: name) else { return nil }
            guard let key = StandardWebhooksSignature.key(secret: text) else {
                entry["secret"].error("must be a Standard Webhooks secret: whsec_ followed by base64")
                return nil
            }
            return GenericJSONProvider(name: name, key: key, fields: paths, timestamps: timestamps)
        }
    }
}
