import Foundation

/// How the gateway authenticates to a department's endpoint (`endpoint.auth` in departments.yaml).
///
/// ```yaml
/// auth: { bearer: "${WATER_TOKEN}" }
/// auth: { basic: { username: gateway, password: "${WATER_PASSWORD}" } }
/// ```
/// Secrets come from the environment through `${…}`, never from the file itself.
public enum EndpointAuth: Sendable, Hashable {
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(token: String)
    /// `Authorization: Basic base64(username:password)` (RFC 7617).
    case basic(username: String, password: String)

    /// The `Authorization` header value, nil for ``none``.
    public var headerValue: String? {
        switch self {
        case .none: nil
        case .bearer(let token): "Bearer \(token)"
        case .basic(let username, let password): "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        }
    }
}
