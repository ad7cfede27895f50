import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird

/// Checks `Authorization: Bearer …` against the configured tokens and their scopes.
struct Authenticator: Sendable {
    let tokens: [AuthSettings.Token]
    /// The secrets' bytes, prepared once.
    private let secrets: [[UInt8]]

    init(tokens: [AuthSettings.Token]) {
        self.tokens = tokens
        secrets = tokens.map { Array($0.secret.utf8) }
    }

    /// The token's name when it is valid, unexpired and grants `scope`; otherwise 401 (missing, wrong or
    /// expired) or 403 (scope).
    func require(_ scope: Scope, _ request: Request) throws -> String {
        guard let header = request.headers.value(.authorization) else {
            throw GatewayError(
                .unauthorized, code: "unauthorized", "missing Authorization header (expected: Bearer <token>)",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let bytes = Self.presentedToken(Array(header.utf8)) else {
            throw GatewayError(
                .unauthorized, code: "unauthorized",
                "Authorization header must be: Bearer <token> (or Basic, the token as the password)",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        // Compare against every token, without early exit, so timing reveals nothing about which matched.
        var match: AuthSettings.Token?
        for (token, secret) in zip(tokens, secrets) where Self.constantTimeEquals(bytes, secret) {
            match = token
        }
        guard let match else {
            throw GatewayError(
                .unauthorized, code: "unauthorized", "invalid token",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        if let expiresAt = match.expiresAt, Date() >= expiresAt {
            throw GatewayError(
                .unauthorized, code: "unauthorized", "token \"\(match.name)\" expired at \(RFC3339.format(expiresAt))",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\", error_description=\"expired\""])
        }
        guard match.scopes.contains(scope) else {
            throw GatewayError(
                .forbidden, code: "forbidden", "token \"\(match.name)\" lacks the \(scope.rawValue) scope")
        }
        return match.name
    }

    /// The token in an `Authorization` value: `Bearer <token>`, or `Basic` with the token as the
    /// password (any user name). Mail forwarding services (SendGrid's Inbound Parse, Mailgun's
    /// routes) set no header of their own: they send the credentials of their URL
    /// (`https://any:TOKEN@gateway/v1/email`) as Basic. Schemes are case-insensitive.
    static func presentedToken(_ value: [UInt8]) -> [UInt8]? {
        func after(_ scheme: String) -> ArraySlice<UInt8>? {
            let name = Array(scheme.utf8)
            guard value.count > name.count, zip(value.prefix(name.count), name).allSatisfy({ $0 | 0x20 == $1 }) else {
                return nil
            }
            var rest = value.dropFirst(name.count)
            while rest.first == UInt8(ascii: " ") { rest.removeFirst() }
            while rest.last == UInt8(ascii: " ") { rest.removeLast() }
            return rest
        }
        if let token = after("bearer ") { return token.isEmpty ? nil : Array(token) }
        guard let encoded = after("basic "), let decoded = Data(base64Encoded: Data(encoded)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        let password = decoded[decoded.index(after: colon)...]
        return password.isEmpty ? nil : Array(password)
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
