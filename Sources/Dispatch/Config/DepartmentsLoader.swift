import ComplaintCore
import Foundation
import NIOSSL

/// Reads and validates departments.yaml.
///
/// ```yaml
/// departments:
///   - id: urban-management
///     name: 城市管理局
///     endpoint:
///       url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/urban-management
///       timeout_ms: 10000
///       max_in_flight: 16
///       rate_limit: 600/min                            # or 20/s, 1000/h; none by default
///       retry: { max_attempts: 12, base_delay_ms: 1000, max_delay_ms: 600000, give_up_after_ms: 86400000 }
///       circuit_breaker: { failure_threshold: 5, failure_rate: 0.8, open_ms: 30000, max_open_ms: 600000 }
///       auth: { bearer: "${URBAN_TOKEN}" }          # or { basic: { username: u, password: "${P}" } }
///       signing_secret: ${DOWNSTREAM_SIGNING_SECRET:-}   # whsec_…; empty = do not sign
///       headers: { X-Source: complaint-gateway }
///       body_template: templates/urban.json.mustache   # relative to the config directory
///       body_content_type: application/json
///       tls:                                           # https only; paths relative to the config directory
///         ca_file: certs/city-ca.pem                   # trusted instead of the system's roots
///         client_certificate: certs/gateway.pem        # mutual TLS: both or neither
///         client_key: certs/gateway-key.pem
///       proxy: ${DEPARTMENT_PROXY:-}                   # http://[user:password@]host:port; empty = direct
/// ```
public enum DepartmentsLoader {
    /// Reads the departments from the root of departments.yaml; problems go to its diagnostics.
    /// - Parameter directory: the configuration directory, against which `body_template` paths resolve.
    public static func read(_ root: ConfigNode, directory: URL? = nil) -> [Department] {
        root.expectMapping(allowedKeys: ["departments"])
        var departments: [Department] = []
        var seen: Set<String> = []
        // Also for an empty file (a file that could not be parsed has said why, and says no more).
        if !root["departments"].isPresent { root["departments"].error("required field is missing") }
        for node in root["departments"].items() {
            node.expectMapping(allowedKeys: ["id", "name", "endpoint"])
            let id = node["id"].requiredString() ?? ""
            if !id.isEmpty {
                if !seen.insert(id).inserted { node["id"].error("duplicate department id \"\(id)\"") }
                if !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                    node["id"].error("department id \"\(id)\" may contain only letters, digits, - and _")
                }
            }
            let endpoint = readEndpoint(node["endpoint"], directory: directory)
            departments.append(Department(id: id, name: node["name"].string() ?? id, endpoint: endpoint))
        }
        if root["departments"].isPresent, departments.isEmpty { root["departments"].error("no departments defined") }
        return departments
    }

    /// Headers the gateway writes itself; `headers:` may not set them.
    static let reservedHeaders: Set<String> = [
        "content-type", "idempotency-key", "content-length", "host", "authorization", "webhook-id",
        "webhook-timestamp", "webhook-signature", "transfer-encoding", "proxy-authorization",
    ]

    private static func readEndpoint(_ node: ConfigNode, directory: URL?) -> Department.Endpoint {
        guard node.isPresent else {
            node.error("required field is missing")
            return Department.Endpoint(url: "")
        }
        node.expectMapping(allowedKeys: [
            "url", "timeout_ms", "max_in_flight", "retry", "headers", "auth", "signing_secret", "circuit_breaker",
            "body_template", "body_content_type", "tls", "proxy", "rate_limit",
        ])
        let url = node["url"].requiredString() ?? ""
        if !url.isEmpty {
            let parsed = URL(string: url)
            if parsed?.host?.isEmpty ?? true || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") {
                node["url"].error("\"\(url)\" is not an http:// or https:// URL with a host")
            } else if let port = parsed?.port, !(1...65535).contains(port) {
                node["url"].error("\"\(url)\": port \(port) is not a TCP port (1-65535)")
            } else if parsed?.user != nil || parsed?.password != nil {
                // Not sent (the transport does not use them) and shown with every attempt: refused.
                node["url"].error(
                    "the URL carries a user name or password, which is never sent and would show in every "
                        + "delivery attempt; use auth: { basic: { username: …, password: … } }")
            }
        }
        let headers = node["headers"].entries().compactMap { key, value -> HeaderField? in
            guard let text = value.string() else { return nil }
            if reservedHeaders.contains(key.lowercased()) {
                value.error(
                    "header \(key) is set by the gateway and cannot be overridden (use auth: for Authorization)")
                return nil
            }
            if key.isEmpty || !key.unicodeScalars.allSatisfy(isTokenCharacter) {
                value.error("\"\(key)\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)")
                return nil
            }
            if let problem = headerValueProblem(text) {
                value.error("header \(key): \(problem)")
                return nil
            }
            return HeaderField(name: key, value: text)
        }
        return Department.Endpoint(
            url: url,
            timeout: Double(node["timeout_ms"].int(default: 10_000, in: 1...600_000)) / 1000,
            maxInFlight: node["max_in_flight"].int(default: 16, in: 1...1024),
            retry: readRetry(node["retry"]),
            headers: headers,
            auth: readAuth(node["auth"]),
            signingSecret: readSecret(node["signing_secret"]),
            breaker: readBreaker(node["circuit_breaker"]),
            template: readTemplate(node["body_template"], contentType: node["body_content_type"], directory: directory),
            tls: readTLS(node["tls"], url: url, directory: directory),
            proxy: EndpointProxy.read(node["proxy"]),
            rateLimit: readRate(node["rate_limit"])
        )
    }

    private static func readRate(_ node: ConfigNode) -> DeliveryRate? {
        guard let text = node.string() else { return nil }
        do {
            return try DeliveryRate(parsing: text)
        } catch {
            node.error(error.description)
            return nil
        }
    }

    /// An empty value (after `${…}`) means "connect directly", so the sample can read
    /// `${DEPARTMENT_PROXY:-}`.
    private static func readTLS(_ node: ConfigNode, url: String, directory: URL?) -> EndpointTLS? {
        guard node.isPresent else { return nil }
        node.expectMapping(allowedKeys: ["ca_file", "client_certificate", "client_key"])
        if URL(string: url)?.scheme?.lowercased() == "http" {
            node.error("tls applies to https:// URLs only; this endpoint's URL is http://")
        }
        let tls = EndpointTLS(
            caFile: node["ca_file"].readableFile(in: directory),
            clientCertificate: node["client_certificate"].readableFile(in: directory),
            clientKey: node["client_key"].readableFile(in: directory))
        if let key = tls.clientKey { node["client_key"].warnIfReadableByOthers(key) }
        switch (node["client_certificate"].isPresent, node["client_key"].isPresent) {
        case (true, false): node.error("client_certificate needs client_key")
        case (false, true): node.error("client_key needs client_certificate")
        default: break
        }
        if !node["ca_file"].isPresent && !node["client_certificate"].isPresent && !node["client_key"].isPresent {
            node.error("expected ca_file, or client_certificate with client_key")
        }
        // Parse the files now, so a wrong file is a configuration error at start-up rather than
        // a failed delivery later.
        do {
            _ = try NIOSSLContext(configuration: try tls.configuration())
        } catch NIOSSLError.failedToLoadPrivateKey {
            node["client_key"].error(
                "not usable as the key of client_certificate: it must be an unencrypted PEM private key,"
                    + " and the one that certificate was issued for")
        } catch {
            node.error("cannot use these TLS files: \(error)")
        }
        return tls
    }

    private static func readRetry(_ node: ConfigNode) -> RetryPolicy {
        node.expectMapping(allowedKeys: ["max_attempts", "base_delay_ms", "max_delay_ms", "give_up_after_ms"])
        let baseRange = 1...86_400_000
        let maxRange = 1...604_800_000
        let retry = RetryPolicy(
            maxAttempts: node["max_attempts"].int(default: 12, in: 1...1000),
            baseDelay: Double(node["base_delay_ms"].int(default: 1000, in: baseRange)) / 1000,
            maxDelay: Double(node["max_delay_ms"].int(default: 600_000, in: maxRange)) / 1000,
            giveUpAfter: Double(node["give_up_after_ms"].int(default: 86_400_000, in: 1...2_592_000_000)) / 1000
        )
        if retry.maxDelay < retry.baseDelay, node["base_delay_ms"].isAbsentOrInt(in: baseRange),
            node["max_delay_ms"].isAbsentOrInt(in: maxRange)
        {
            node["max_delay_ms"].error("must not be less than base_delay_ms")
        }
        return retry
    }

    private static func readAuth(_ node: ConfigNode) -> EndpointAuth {
        guard node.isPresent else { return .none }
        node.expectMapping(allowedKeys: ["bearer", "basic"])
        let bearer = node["bearer"]
        let basic = node["basic"]
        switch (bearer.isPresent, basic.isPresent) {
        case (true, true):
            node.error("set one of bearer or basic, not both")
            return .none
        case (true, false):
            guard let token = bearer.requiredString() else { return .none }
            if let problem = headerValueProblem(token) { bearer.error("the token \(problem)") }
            return .bearer(token: token)
        case (false, true):
            basic.expectMapping(allowedKeys: ["username", "password"])
            guard let username = basic["username"].requiredString(), let password = basic["password"].requiredString()
            else { return .none }
            if username.contains(":") { basic["username"].error("a basic-auth username cannot contain \":\"") }
            for (field, text) in [("username", username), ("password", password)] {
                if let problem = headerValueProblem(text) { basic[field].error("the \(field) \(problem)") }
            }
            return .basic(username: username, password: password)
        case (false, false):
            node.error("expected bearer: TOKEN or basic: { username, password }")
            return .none
        }
    }

    /// What makes `text` unfit for an HTTP header value (RFC 9110 section 5.5): a line break would
    /// end the header (every request would then fail), other control characters are refused by
    /// servers. Most often a secret read from a file with its trailing newline.
    static func headerValueProblem(_ text: String) -> String? {
        if text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "contains a line break (a value read from a file with its newline?)"
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            return "contains a control character"
        }
        return nil
    }

    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
    }

    /// An empty value (after `${…}`) means "do not sign": `${DOWNSTREAM_SIGNING_SECRET:-}` signs
    /// when the variable is set and non-empty, and not otherwise.
    private static func readSecret(_ node: ConfigNode) -> WebhookSecret? {
        guard let text = node.string(), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        do {
            let secret = try WebhookSecret(parsing: text)
            if !secret.hasRecommendedLength {
                node.warning("the secret has \(secret.key.count) key bytes; Standard Webhooks recommends 24 to 64")
            }
            return secret
        } catch {
            node.error("invalid signing secret: \(error)")
            return nil
        }
    }

    private static func readBreaker(_ node: ConfigNode) -> CircuitBreakerPolicy {
        node.expectMapping(allowedKeys: ["failure_threshold", "failure_rate", "open_ms", "max_open_ms"])
        let openRange = 1...86_400_000
        let policy = CircuitBreakerPolicy(
            failureThreshold: node["failure_threshold"].int(default: 5, in: 1...10_000),
            failureRate: node["failure_rate"].double(default: 0.8, in: 0...1),
            openDuration: Double(node["open_ms"].int(default: 30_000, in: openRange)) / 1000,
            maxOpenDuration: Double(node["max_open_ms"].int(default: 600_000, in: openRange)) / 1000)
        if policy.maxOpenDuration < policy.openDuration, node["open_ms"].isAbsentOrInt(in: openRange),
            node["max_open_ms"].isAbsentOrInt(in: openRange)
        {
            node["max_open_ms"].error("must not be less than open_ms")
        }
        return policy
    }

    private static func readTemplate(_ node: ConfigNode, contentType: ConfigNode, directory: URL?) -> BodyTemplate? {
        let type = contentType.string() ?? "application/json"
        guard let path = node.string(), !path.isEmpty else {
            if contentType.isPresent { contentType.error("body_content_type needs a body_template") }
            return nil
        }
        let url = ConfigNode.configFile(path, in: directory)
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            node.error("cannot read template file \(path)")
            return nil
        }
        do {
            let template = try BodyTemplate(source: path, text: text, contentType: type)
            let unknown = template.unknownVariables()
            if !unknown.isEmpty {
                node.warning(
                    "body template \(path) names "
                        + unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                        + ", which no field of the record has: rendered empty in every delivery (a misspelt name?)")
            }
            return template
        } catch {
            node.error(error.description)
            return nil
        }
    }
}
