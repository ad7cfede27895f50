import ComplaintCore
import Foundation

/// The first bytes of a department's answer as an operator reads them in the attempt record.
///
/// Decoded in the charset the response's `Content-Type` names (a Chinese department's error page
/// in GBK reads as Chinese), else by ``CharsetDecoder``'s rule. A character cut in half by the
/// byte limit is dropped rather than shown as U+FFFD; control characters other than tab and
/// line breaks are shown as their Unicode control pictures (NUL as `␀`), so a binary answer
/// stays visible and nothing downstream mistakes a NUL for the end of the text.
enum ResponseSnippet {
    static func text(_ bytes: [UInt8], headers: [HeaderField], truncated: Bool) -> String {
        guard !bytes.isEmpty else { return "" }
        let contentType = headers.first(where: { $0.name.lowercased() == "content-type" })
        let declared = contentType.flatMap { charset(in: $0.value) }
        var decoded = CharsetDecoder.decode(bytes, declared: declared)
        if decoded.lossy && truncated {
            // The limit may have cut the last character: without its first bytes, it may decode clean.
            for drop in 1...3 where bytes.count > drop {
                let shorter = CharsetDecoder.decode(bytes.dropLast(drop), declared: declared)
                if !shorter.lossy {
                    decoded = shorter
                    break
                }
            }
        }
        var text = ""
        text.unicodeScalars.reserveCapacity(decoded.text.unicodeScalars.count)
        for scalar in decoded.text.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
                text.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
            } else if scalar.value == 0x7F {
                text.unicodeScalars.append("\u{2421}")
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// `charset` of a `Content-Type` value (`text/html; charset="gbk"`).
    private static func charset(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
