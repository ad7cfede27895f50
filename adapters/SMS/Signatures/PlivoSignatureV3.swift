import Crypto
import Foundation

/// `X-Plivo-Signature-V3`: base64 HMAC-SHA256 over the URL, the sorted parameters and the nonce.
///
/// The string is `scheme://host[:port]/path`, then `?` and the query's decoded `name=value` pairs
/// sorted and joined with `&`; for a POST with parameters, the `?` always comes, then `.` when there
/// was a query, then every sorted form name and value concatenated; finally `.` and the
/// `X-Plivo-Signature-V3-Nonce`. The header may list several signatures separated by commas.
/// (V2 signs only the URL and the nonce and does not cover the body, so it is not accepted.)
public enum PlivoSignatureV3 {
    /// The string Plivo signs for a POST to `url` with `parameters` in the body.
    public static func stringToSign(url: String, parameters: [FormParameter], nonce: String) -> String {
        let (base, query) = PublicURL.splitQuery(url)
        let queryString = FormURLEncoded.parse(Array((query ?? "").utf8)).groupedByName()
            .flatMap { group in group.values.map { "\(group.name)=\($0)" } }
            .joined(separator: "&")
        var text = base
        if parameters.isEmpty {
            if !queryString.isEmpty { text += "?" + queryString }
        } else {
            text += "?" + queryString
            if !queryString.isEmpty { text += "." }
            for group in parameters.groupedByName() {
                for value in group.values { text += group.name + value }
            }
        }
        return text + "." + nonce
    }

    /// The base64 signature.
    public static func compute(url: String, parameters: [FormParameter], nonce: String, authToken: String) -> String {
        let message = Data(stringToSign(url: url, parameters: parameters, nonce: nonce).utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Whether any of the comma-separated signatures in `header` matches.
    public static func isValid(
        header: String, url: String, parameters: [FormParameter], nonce: String, authToken: String
    ) -> Bool {
        let expected = compute(url: url, parameters: parameters, nonce: nonce, authToken: authToken)
        var valid = false
        for candidate in header.split(separator: ",") {
            if ConstantTime.equal(expected, candidate.trimmingCharacters(in: .whitespaces)) { valid = true }
        }
        return valid
    }
}
