import Foundation
import HTTPTypes
import Hummingbird

/// Checks `Authorization: Bearer …` against the configured tokens and their scopes.
struct Authenticator: Sendable {
    let tokens: [AuthSettings.Token]

    /// The token's name when it is valid and grants `scope`; otherwise 401 (missing/wrong) or 403 (scope).
    func require(_ scope: Scope, _ request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw GatewayError(.unauthorized, code: "unauthorized", "missing Authorization header (expected: Bearer <token>)",
                               headers: [.wwwAuthenticate: "Bearer"])
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GatewayError(.unauthorized, code: "unauthorized", "Authorization header must be: Bearer <token>",
                               headers: [.wwwAuthenticate: "Bearer"])
        }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        // Compare against every token, without early exit, so timing reveals nothing about which matched.
        var match: AuthSettings.Token?
        for token in tokens where Self.constantTimeEquals(presented, Array(token.secret.utf8)) {
            match = token
        }
        guard let match else {
            throw GatewayError(.unauthorized, code: "unauthorized", "invalid token",
                               headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard match.scopes.contains(scope) else {
            throw GatewayError(.forbidden, code: "forbidden", "token \"\(match.name)\" lacks the \(scope.rawValue) scope")
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
