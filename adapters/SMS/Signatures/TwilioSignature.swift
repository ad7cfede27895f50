import Crypto
import Foundation

/// `X-Twilio-Signature`: base64 HMAC over the URL Twilio called followed by the sorted parameters.
///
/// The signed string is the full URL (query included, exactly as configured) and then, for a form
/// body, every name and value concatenated without separators, names and each name's distinct values
/// in code-point order. For a JSON body the URL carries `bodySHA256` (hex SHA-256 of the body) and no
/// parameters follow. HMAC-SHA1 with the Auth Token by default; a Webhooks Rule signs with its SharedKey
/// and the algorithm named in `X-Twilio-Webhooks-Signature-Settings`. Twilio has signed URLs both with
/// and without the port, so both are tried, as its SDKs do.
public enum TwilioSignature {
    /// The HMAC Twilio uses.
    public enum Algorithm: String, Sendable {
        case hmacSHA1 = "HMAC_SHA1"
        case hmacSHA256 = "HMAC_SHA256"
    }

    /// The base64 signature of `url` + `parameters`.
    public static func compute(url: String, parameters: [FormParameter], key: String, algorithm: Algorithm = .hmacSHA1)
        -> String
    {
        var text = url
        for group in parameters.groupedByName() {
            var seen: Set<String> = []
            for value in group.values where seen.insert(value).inserted { text += group.name + value }
        }
        let keyData = SymmetricKey(data: Data(key.utf8))
        let message = Data(text.utf8)
        switch algorithm {
        case .hmacSHA1:
            return Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: keyData)).base64EncodedString()
        case .hmacSHA256:
            return Data(HMAC<SHA256>.authenticationCode(for: message, using: keyData)).base64EncodedString()
        }
    }

    /// The algorithm named in `X-Twilio-Webhooks-Signature-Settings` (`key=…,algorithm=HMAC_SHA256`);
    /// nil for a name this code does not know.
    public static func algorithm(settingsHeader: String?) -> Algorithm? {
        for part in (settingsHeader ?? "").split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == "algorithm" {
                let name = pair[1].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { return Algorithm(rawValue: name.uppercased()) }
            }
        }
        return .hmacSHA1
    }

    /// Checks `signature` against `url` with and without its port.
    public static func isValid(
        _ signature: String, url: String, parameters: [FormParameter], key: String, algorithm: Algorithm = .hmacSHA1
    ) -> Bool {
        var valid = false
        for candidate in PublicURL.portVariants(url) {
            // Every variant is computed, so the time taken does not tell which one matched.
            let expected = compute(url: candidate, parameters: parameters, key: key, algorithm: algorithm)
            if ConstantTime.equal(expected, signature) { valid = true }
        }
        return valid
    }
}
