import Crypto
import Foundation
import _CryptoExtras

/// An RSA private key that signs OAuth 2.0 client assertions (RS256 JWTs, RFC 7523), and the JWT
/// header fields that tell the authorization server which key it was: a certificate's thumbprints
/// (Microsoft) or the key's id (Google).
public struct OAuth2SigningKey: Sendable, Hashable {
    /// Kept as text (it is what the files hold, and Hashable): parsed at load to check it, and at
    /// each signing, about once an hour.
    let privateKeyPEM: String
    /// `x5t`, `x5t#S256` or `kid`.
    let headerFields: [String: String]

    /// A certificate credential: the key and the certificate (PEM; the first of a chain) it was
    /// issued for, named by its SHA-1 (`x5t`) and SHA-256 (`x5t#S256`) thumbprints.
    /// - Throws: ``OAuth2KeyError`` saying what is wrong with either.
    public init(privateKeyPEM: String, certificatePEM: String) throws(OAuth2KeyError) {
        guard let der = Self.firstCertificate(in: certificatePEM) else {
            throw OAuth2KeyError("no PEM certificate (-----BEGIN CERTIFICATE-----) in it")
        }
        try self.init(
            privateKeyPEM: privateKeyPEM,
            headerFields: [
                "x5t": Self.base64URL(Data(Insecure.SHA1.hash(data: der))),
                "x5t#S256": Self.base64URL(Data(SHA256.hash(data: der))),
            ])
    }

    /// A key named by its id (`private_key_id` of a Google service account's key file), or by
    /// nothing.
    public init(privateKeyPEM: String, keyID: String?) throws(OAuth2KeyError) {
        try self.init(privateKeyPEM: privateKeyPEM, headerFields: keyID.map { ["kid": $0] } ?? [:])
    }

    private init(privateKeyPEM: String, headerFields: [String: String]) throws(OAuth2KeyError) {
        do {
            _ = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw OAuth2KeyError(
                "not an unencrypted PEM RSA private key of 2048 bits or more (PKCS#1 or PKCS#8): \(error)")
        }
        self.privateKeyPEM = privateKeyPEM
        self.headerFields = headerFields
    }

    /// `header.claims.signature`, each part base64url without padding, signed RS256.
    func sign(claims: [String: Any]) throws -> String {
        let header = headerFields.merging(["alg": "RS256", "typ": "JWT"]) { $1 }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        let input =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: options)) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: options))
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The DER bytes of the first certificate in `pem`.
    private static func firstCertificate(in pem: String) -> Data? {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = pem.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<pem.endIndex)
        else { return nil }
        let body = pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }
}

/// Why a key or certificate file cannot sign assertions.
public struct OAuth2KeyError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
