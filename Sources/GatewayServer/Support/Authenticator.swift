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
        var bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count,
            zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 })
        else {
            throw GatewayError(
                .unauthorized, code: "unauthorized", "Authorization header must be: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        bytes.removeFirst(scheme.count)
        while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
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
