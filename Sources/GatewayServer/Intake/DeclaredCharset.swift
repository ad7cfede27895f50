import ComplaintCore
import EmailAdapter
import Foundation

/// The `charset` a request's `Content-Type` declares, for JSON bodies sent by systems that do not
/// write UTF-8.
///
/// JSON between systems is UTF-8 (RFC 8259), but older Chinese government and enterprise systems
/// post `application/json; charset=GBK`. Such a body is read in its declared charset, the raw
/// payload is kept as sent; without a charset, or with UTF-8 declared, the body must be UTF-8.
enum DeclaredCharset {
    /// The charset parameter's value, unquoted; nil when there is none.
    static func label(inContentType contentType: String?) -> String? {
        guard let contentType, let value = HeaderParameters.parse(Array(contentType.utf8))["charset"] else {
            return nil
        }
        return value.isEmpty ? nil : value
    }

    /// Why a body cannot be read in its declared charset.
    struct Failure: Error {
        var code: String
        var message: String
    }

    /// `body` as UTF-8 for the JSON parser: unchanged unless another charset is declared. A body
    /// that is valid UTF-8 is taken as UTF-8 whatever the label says (a mislabel: text in GBK is
    /// practically never valid UTF-8, while UTF-8 text often decodes as GBK into nonsense), unless
    /// it is mostly two-byte sequences valid in the declared double-byte charset (a short GBK name).
    static func utf8Body(_ body: Data, contentType: String?) -> Result<Data, Failure> {
        guard let label = label(inContentType: contentType) else { return .success(body) }
        let name = CharsetDecoder.canonicalName(forLabel: label)
        if name == "utf-8" || name == "us-ascii" { return .success(body) }
        guard CharsetDecoder.isKnown(label) else {
            return .failure(
                Failure(code: "unsupported_charset", message: "unknown charset \"\(label)\" in Content-Type"))
        }
        // UTF-16 and UTF-32 text of ASCII characters is valid UTF-8 too, NULs and all; a JSON text
        // in UTF-8 never holds a NUL byte, so one under such a label is read as labelled.
        if name.hasPrefix("utf-16") || name.hasPrefix("utf-32"), body.contains(0) {
            guard let text = CharsetDecoder.decodeStrictly(body, as: label) else {
                return .failure(Failure(code: "malformed_json", message: "the body is not valid \(label) text"))
            }
            return .success(Data(text.drop { $0 == "\u{FEFF}" }.utf8))
        }
        if String(validating: body, as: UTF8.self) != nil {
            // Valid UTF-8 is UTF-8, but for a short Chinese text under a GBK label that reads as
            // two-byte UTF-8 letters (郑梅 is `֣÷`): CharsetDecoder's rule decides both.
            let decoded = CharsetDecoder.decode(body, declared: label)
            return .success(decoded.charset == "utf-8" ? body : Data(decoded.text.utf8))
        }
        guard let text = CharsetDecoder.decodeStrictly(body, as: label) else {
            return .failure(Failure(code: "malformed_json", message: "the body is not valid \(label) text"))
        }
        return .success(Data(text.utf8))
    }

    /// For a body that is not UTF-8 and declares no charset but reads as GB18030: how to send it.
    /// The sender most likely wrote GBK without saying so.
    static func hint(for body: Data, contentType: String?) -> String? {
        guard label(inContentType: contentType) == nil, String(validating: body, as: UTF8.self) == nil,
            CharsetDecoder.decodeStrictly(body, as: "gb18030") != nil
        else { return nil }
        return " (the body reads as GBK/GB18030: send UTF-8, or declare it with "
            + "Content-Type: application/json; charset=GBK)"
    }
}
