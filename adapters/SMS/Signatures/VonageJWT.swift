import ComplaintCore
import Crypto
import Foundation

/// Vonage's Messages API signs each webhook with `Authorization: Bearer <JWT>`: HS256 keyed with
/// the account's signature secret (the one the SMS API's `sig` uses), the claim `payload_hash`
/// being the SHA-256 of the body (hex) and `iat` the time it was signed.
///
/// Vonage's SDKs check the signature alone (`verify_signature`); the body is bound here too, by
/// its hash, so a captured token cannot carry another message, and the token's age is held to
/// the same window as every other timestamped scheme. Only HS256 is accepted: a token naming
/// another algorithm (`none` above all) is refused, whatever it says.
enum VonageJWT {
    static func check(_ token: String, secret: String, body: Data, now: Date, toleranceSeconds: Int) -> SMSRejection? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = base64URL(parts[0]), let claimsBytes = base64URL(parts[1]),
            let signature = base64URL(parts[2])
        else { return SMSRejection("bad_signature", "the bearer token is not a JWT") }
        guard let header = try? JSONParser.parse(headerBytes).objectFields,
            case .string("HS256") = header["alg"]
        else { return SMSRejection("unsupported_algorithm", "the JWT is not signed with HS256") }
        let signed = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        guard ConstantTime.equal(Array(mac), signature) else {
            return SMSRejection("bad_signature", "the JWT's signature does not match")
        }
        guard let claims = try? JSONParser.parse(claimsBytes).objectFields else {
            return SMSRejection("bad_signature", "the JWT's claims are not a JSON object")
        }
        guard case .string(let payloadHash) = claims["payload_hash"],
            ConstantTime.equal(Hex.encode(SHA256.hash(data: body)), payloadHash.lowercased())
        else { return SMSRejection("bad_signature", "the JWT's payload_hash does not match the body") }
        guard case .number(let issuedAt) = claims["iat"] else {
            return SMSRejection("bad_timestamp", "the JWT has no iat")
        }
        let age = abs(now.timeIntervalSince1970.rounded(.down) - issuedAt.rounded(.down))
        if age > Double(toleranceSeconds) {
            return SMSRejection(
                "stale_timestamp",
                "the JWT's iat is \(Int(min(age, 1e12))) s away from now (tolerance \(toleranceSeconds) s)")
        }
        if case .number(let expires) = claims["exp"], expires < now.timeIntervalSince1970.rounded(.down) {
            return SMSRejection("stale_timestamp", "the JWT has expired")
        }
        return nil
    }

    /// Base64url without padding (RFC 7515), as JWTs write it.
    private static func base64URL(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}
