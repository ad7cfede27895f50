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
        var hmac = PreparedHMAC(key: key, algorithm: algorithm)
        hmac.update(url)
        hmac.update(signedParameters(parameters))
        return hmac.base64()
    }

    /// What follows the URL in the signed string: each distinct name and value pair, concatenated, names
    /// and then values in code-point order (the SDKs' `sorted(set(values))` per name).
    ///
    /// The pairs are copied once into one buffer and sorted as byte ranges of it: sorting the strings
    /// themselves moved and compared them through the String machinery, a visible cost per webhook.
    static func signedParameters(_ parameters: [FormParameter]) -> [UInt8] {
        guard !parameters.isEmpty else { return [] }
        // Each pair is its name followed by its value; `nameEnd` is where the value starts.
        var text: [UInt8] = []
        var pairs: [(start: Int, nameEnd: Int, end: Int)] = []
        pairs.reserveCapacity(parameters.count)
        for parameter in parameters {
            let start = text.count
            text.append(contentsOf: parameter.name.utf8)
            let nameEnd = text.count
            text.append(contentsOf: parameter.value.utf8)
            pairs.append((start, nameEnd, text.count))
        }
        return text.withUnsafeBufferPointer { buffer in
            // UTF-8 byte order is code-point order (what Python's `sorted` and `set` use).
            func compare(_ from: Int, _ to: Int, _ otherFrom: Int, _ otherTo: Int) -> Int {
                let length = to - from
                let otherLength = otherTo - otherFrom
                let common = min(length, otherLength)
                if common > 0, let base = buffer.baseAddress {
                    let order = memcmp(base + from, base + otherFrom, common)
                    if order != 0 { return Int(order) }
                }
                return length - otherLength
            }
            let order = pairs.indices.sorted { lhs, rhs in
                let (a, b) = (pairs[lhs], pairs[rhs])
                let names = compare(a.start, a.nameEnd, b.start, b.nameEnd)
                return names != 0 ? names < 0 : compare(a.nameEnd, a.end, b.nameEnd, b.end) < 0
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(buffer.count)
            var previous: (start: Int, nameEnd: Int, end: Int)?
            for index in order {
                let pair = pairs[index]
                if let previous, compare(previous.start, previous.nameEnd, pair.start, pair.nameEnd) == 0,
                    compare(previous.nameEnd, previous.end, pair.nameEnd, pair.end) == 0
                {
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[pair.start..<pair.end]))
                previous = pair
            }
            return bytes
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
        isValid(
            signature, urlVariants: PublicURL.portVariants(url), followedBy: "",
            signedParameters: signedParameters(parameters), hmac: PreparedHMAC(key: key, algorithm: algorithm))
    }

    /// Checks `signature` against each of `urlVariants` followed by `rest` and the signed parameters,
    /// starting every MAC from the keyed `hmac`.
    ///
    /// Every variant is computed, so the time taken does not tell which one matched.
    static func isValid(
        _ signature: String, urlVariants: [String], followedBy rest: String, signedParameters: [UInt8],
        hmac: PreparedHMAC
    ) -> Bool {
        var valid = false
        // One update per MAC: swift-crypto's HMAC takes bytes only through a generic entry point that
        // is not specialized for callers outside its module, which cost more per call than hashing
        // these few hundred bytes.
        var message: [UInt8] = []
        for variant in urlVariants {
            message.removeAll(keepingCapacity: true)
            message.append(contentsOf: variant.utf8)
            message.append(contentsOf: rest.utf8)
            message.append(contentsOf: signedParameters)
            var mac = hmac
            mac.update(message)
            if ConstantTime.equal(mac.base64(), signature) { valid = true }
        }
        return valid
    }
}
