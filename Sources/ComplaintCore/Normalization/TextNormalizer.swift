import Foundation

/// Cleans free text (complaint bodies, subjects, names) so equal text compares, hashes and
/// matches routing keywords equally whichever channel it came through.
public enum TextNormalizer {
    /// Normalizes `s`: Unicode NFC, line breaks as `\n`, no control characters other than
    /// `\n` and `\t` (NUL and the U+FEFF byte-order mark included), and no whitespace at
    /// either end (U+3000 ideographic space and NBSP included).
    ///
    /// NFC matters for Chinese and accented text pasted from different IMEs and mail
    /// clients, which may send the same character composed or decomposed.
    /// - Parameter s: The text as received.
    /// - Returns: The normalized text, possibly empty.
    public static func normalize(_ s: String) -> String {
        var text = s
        // Clean non-ASCII text (most Chinese fields) needs no copy: only the NFC check below.
        var isCleanNonASCII = false
        guard
            let cleaned = text.withUTF8({ bytes -> (text: String, isASCII: Bool)? in
                if isAlreadyNormalized(bytes) { return nil }
                isCleanNonASCII = hasNothingToClean(bytes)
                return isCleanNonASCII ? nil : clean(bytes)
            })
        else {
            guard isCleanNonASCII else { return s }
            let isNFC = text.withUTF8 { NFCQuickCheck.isNFC($0) }
            return isNFC ? s : s.precomposedStringWithCanonicalMapping
        }
        if cleaned.isASCII { return cleaned.text }
        // Foundation's NFC bridges through NSString and costs microseconds; the quick check
        // spares that for the common case of text (Chinese included) that is NFC already.
        var result = cleaned.text
        let isNFC = result.withUTF8 { NFCQuickCheck.isNFC($0) }
        return isNFC ? result : result.precomposedStringWithCanonicalMapping
    }

    /// Normalizes optional text, treating text that normalizes to nothing as absent.
    /// - Parameter s: The text as received, or nil.
    /// - Returns: The normalized text, or nil if `s` is nil or normalizes to an empty string.
    public static func normalizeOptional(_ s: String?) -> String? {
        guard let s else { return nil }
        let normalized = normalize(s)
        return normalized.isEmpty ? nil : normalized
    }

    /// The fast path: printable ASCII, `\n` and `\t` only, and no whitespace at the ends.
    /// Most fields (ids, emails, short subjects) pass and are returned without copying.
    private static func isAlreadyNormalized(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var allPrintable = true
        for byte in bytes {
            // No early exit, so the loop vectorizes: it runs on nearly every field.
            allPrintable = allPrintable && ((0x20...0x7E).contains(byte) || byte == 0x0A || byte == 0x09)
        }
        guard allPrintable, let first = bytes.first, let last = bytes.last else { return allPrintable }
        return !isASCIIWhitespace(first) && !isASCIIWhitespace(last)
    }

    /// Whether `clean` would return the text unchanged: no control characters but `\n` and `\t`,
    /// no C1 controls, no byte-order mark, no whitespace at the ends.
    private static func hasNothingToClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 {
                if byte != 0x0A && byte != 0x09 { return false }
            } else if byte == 0x7F {
                return false
            } else if byte == 0xC2 && index + 1 < count && (0x80...0x9F).contains(bytes[index + 1]) {
                return false
            } else if byte == 0xEF && index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF {
                return false
            }
            index += 1
        }
        return TrimmableWhitespace.trimmedRange(of: bytes) == 0..<count
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
    }

    /// Line breaks to `\n`, controls removed, ends trimmed, in one pass over the UTF-8 bytes.
    ///
    /// Output is never longer than input, so it is written straight into the new string.
    private static func clean(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String, isASCII: Bool) {
        var isASCII = true
        let text = String(unsafeUninitializedCapacity: bytes.count) { out in
            var count = 0
            var index = 0
            var afterCarriageReturn = false
            while index < bytes.count {
                let byte = bytes[index]
                var length = 1
                switch byte {
                case 0x0D:
                    // CRLF becomes one LF: the CR is written as LF and the LF right after it skipped.
                    out[count] = 0x0A
                    count += 1
                case 0x0A where afterCarriageReturn:
                    break
                case 0x09, 0x0A:
                    out[count] = byte
                    count += 1
                case 0x00...0x1F, 0x7F:
                    break
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    length = 2  // a C1 control, U+0080…U+009F
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
                    length = 3  // U+FEFF, a byte-order mark left by mail and CSV exports
                default:
                    isASCII = isASCII && byte < 0x80
                    out[count] = byte
                    count += 1
                }
                afterCarriageReturn = byte == 0x0D
                index += length
            }
            // Trim in place: move the kept bytes to the front of the buffer.
            let kept = TrimmableWhitespace.trimmedRange(of: UnsafeBufferPointer(rebasing: out[0..<count]))
            if kept.lowerBound > 0, let base = out.baseAddress {
                UnsafeMutableRawPointer(base).copyMemory(from: base + kept.lowerBound, byteCount: kept.count)
            }
            return kept.count
        }
        return (text, isASCII)
    }
}
