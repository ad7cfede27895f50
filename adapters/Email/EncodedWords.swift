import ComplaintCore

/// Header text to a string: RFC 2047 encoded words, and raw 8-bit bytes that senders put in
/// headers without any label.
enum EncodedWords {
    private enum Segment {
        case text([UInt8])
        case word(charset: String, bytes: [UInt8])
    }

    /// Decodes a header value.
    ///
    /// Encoded words are decoded wherever they stand (mailers also put them inside quoted
    /// strings and glue them to plain text). Whitespace between two adjacent encoded words is
    /// dropped (RFC 2047 section 6.2), and adjacent words in the same charset are joined as bytes
    /// before decoding, because mailers split a multi-byte character across two words. Unlabelled
    /// 8-bit text is decoded by ``CharsetDecoder``'s rule with no declared charset.
    static func decode(_ value: [UInt8]) -> String {
        guard value.contains(UInt8(ascii: "=")) || !value.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: value, as: UTF8.self)
        }
        var segments: [Segment] = []
        var index = 0
        var textStart = 0
        while index + 1 < value.count {
            if value[index] == UInt8(ascii: "="), value[index + 1] == UInt8(ascii: "?"),
                let (charset, bytes, next) = parseWord(value, at: index)
            {
                if textStart < index {
                    let gap = Array(value[textStart..<index])
                    let betweenWords = gap.allSatisfy(Bytes.isWhitespace)
                    if case .word = segments.last, betweenWords {
                        // dropped: whitespace between adjacent encoded words
                    } else {
                        segments.append(.text(gap))
                    }
                }
                if case .word(let previousCharset, let previousBytes) = segments.last, previousCharset == charset {
                    segments[segments.count - 1] = .word(charset: charset, bytes: previousBytes + bytes)
                } else {
                    segments.append(.word(charset: charset, bytes: bytes))
                }
                index = next
                textStart = next
                continue
            }
            index += 1
        }
        if textStart < value.count { segments.append(.text(Array(value[textStart...]))) }
        var result = ""
        for segment in segments {
            switch segment {
            case .text(let bytes): result += CharsetDecoder.decode(bytes, declared: nil).text
            case .word(let charset, let bytes): result += CharsetDecoder.decode(bytes, declared: charset).text
            }
        }
        return result
    }

    /// `=?charset[*lang]?B|Q?text?=` at `start`: the charset, the decoded bytes and the index after the word.
    private static func parseWord(_ value: [UInt8], at start: Int) -> (String, [UInt8], Int)? {
        var index = start + 2
        let charsetStart = index
        while index < value.count, value[index] != UInt8(ascii: "?") {
            let byte = value[index]
            if byte <= 0x20 || byte >= 0x7F || index - charsetStart > 40 { return nil }
            index += 1
        }
        guard index + 2 < value.count, index > charsetStart, value[index + 2] == UInt8(ascii: "?") else { return nil }
        var charset = String(decoding: value[charsetStart..<index], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = Bytes.lower(value[index + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = index + 3
        var end = textStart
        while end + 1 < value.count, !(value[end] == UInt8(ascii: "?") && value[end + 1] == UInt8(ascii: "=")) {
            // Encoded text has no whitespace; a space means this was not a word after all
            // (tolerated for Q, which some mailers leave unescaped, up to the line).
            if value[end] == 0x0A || value[end] == 0x0D { return nil }
            end += 1
        }
        guard end + 1 < value.count else { return nil }
        let text = value[textStart..<end]
        let bytes =
            encoding == UInt8(ascii: "b")
            ? TransferDecoding.base64(text).bytes
            : TransferDecoding.quotedPrintable(text, underscoreIsSpace: true)
        return (charset.lowercased(), bytes, end + 2)
    }
}
