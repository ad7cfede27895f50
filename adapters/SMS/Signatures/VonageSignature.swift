import Crypto
import Foundation

/// Vonage's signed webhooks: the `sig` parameter over every other parameter, hex.
///
/// The string is `&name=value` for each parameter in code-point order of names, with `&` and `=`
/// inside values replaced by `_`. `md5hash` (the dashboard default) is MD5 of that string followed by
/// the signature secret; the HMAC methods key the secret. The method is a dashboard setting and is not
/// in the request, so it is configured. Hex is compared without regard to case (HMAC variants may
/// arrive uppercase).
public enum VonageSignature {
    /// `VONAGE_SIGNATURE_METHOD`.
    public enum Method: String, Sendable, CaseIterable {
        case md5hash, md5, sha1, sha256, sha512
    }

    /// The signed string for `parameters` (without `sig`).
    public static func stringToSign(_ parameters: [FormParameter]) -> String {
        var text = ""
        for group in parameters.groupedByName() {
            // Vonage sends each name once (``isValid(_:secret:method:)`` refuses repeats).
            let value = group.values.last ?? ""
            text +=
                "&" + group.name + "="
                + value.replacingOccurrences(of: "&", with: "_")
                .replacingOccurrences(of: "=", with: "_")
        }
        return text
    }

    /// The lowercase hex signature.
    public static func compute(_ parameters: [FormParameter], secret: String, method: Method) -> String {
        let text = Data(stringToSign(parameters.filter { $0.name != "sig" }).utf8)
        let key = SymmetricKey(data: Data(secret.utf8))
        switch method {
        case .md5hash: return Hex.encode(Insecure.MD5.hash(data: text + Data(secret.utf8)))
        case .md5: return Hex.encode(HMAC<Insecure.MD5>.authenticationCode(for: text, using: key))
        case .sha1: return Hex.encode(HMAC<Insecure.SHA1>.authenticationCode(for: text, using: key))
        case .sha256: return Hex.encode(HMAC<SHA256>.authenticationCode(for: text, using: key))
        case .sha512: return Hex.encode(HMAC<SHA512>.authenticationCode(for: text, using: key))
        }
    }

    /// Whether `parameters`' `sig` is right. Never with a name repeated: the signature would cover
    /// one of its values and a reader might take another.
    public static func isValid(_ parameters: [FormParameter], secret: String, method: Method) -> Bool {
        guard let signature = parameters.first("sig"),
            parameters.groupedByName().allSatisfy({ $0.values.count == 1 })
        else { return false }
        return ConstantTime.equal(compute(parameters, secret: secret, method: method), signature.lowercased())
    }
}
