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
        compute(url: url, signedParameters: signedParameters(parameters), key: key, algorithm: algorithm)
    }

    /// What follows the URL in the signed string: each distinct name and value pair, concatenated, names
    /// and then values in code-point order (the SDKs' `sorted(set(values))` per name).
    static func signedParameters(_ parameters: [FormParameter]) -> [UInt8] {
        var bytes: [UInt8] = []
        var previous: FormParameter?
        for parameter in parameters.sortedByCodePoint() {
            if let previous, codePointCompare(previous.name, parameter.name) == 0,
                codePointCompare(previous.value, parameter.value) == 0
            {
                continue
            }
            bytes.append(contentsOf: parameter.name.utf8)
            bytes.append(contentsOf: parameter.value.utf8)
            previous = parameter
        }
        return bytes
    }

    private static func compute(url: String, signedParameters: [UInt8], key: String, algorithm: Algorithm) -> String {
        let key = SymmetricKey(data: Array(key.utf8))
        switch algorithm {
        case .hmacSHA1:
            var hmac = HMAC<Insecure.SHA1>(key: key)
            hmac.update(data: Array(url.utf8))
            hmac.update(data: signedParameters)
            return Data(hmac.finalize()).base64EncodedString()
        case .hmacSHA256:
            var hmac = HMAC<SHA256>(key: key)
            hmac.update(data: Array(url.utf8))
            hmac.update(data: signedParameters)
            return Data(hmac.finalize()).base64EncodedString()
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
        let signed = signedParameters(parameters)
        for candidate in PublicURL.portVariants(url) {
            // Every variant is computed, so the time taken does not tell which one matched.
            let expected = compute(url: candidate, signedParameters: signed, key: key, algorithm: algorithm)
            if ConstantTime.equal(expected, signature) { valid = true }
        }
        return valid
    }
}
