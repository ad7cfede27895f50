/// Recognizes UTF-8 text with a little damage: cut short in the middle of a character (a size
/// limit, a line cut at 998 bytes), or a byte lost or changed in transit.
///
/// Such bytes are no longer valid UTF-8, and a strict decoder in another charset then usually
/// accepts them: GB18030 reads almost any byte string, so the whole text came out as mojibake
/// for one bad byte. Text in a legacy charset, on the other hand, is never this close to UTF-8:
/// of 150,000 random runs of 2 to 80 GBK, Big5 and Shift_JIS characters none had nine tenths of
/// its non-ASCII bytes in valid UTF-8 sequences while also being invalid UTF-8.
enum DamagedUTF8 {
    /// True when `bytes` are invalid UTF-8 but at least four valid multi-byte sequences hold at
    /// least nine tenths of their non-ASCII bytes.
    static func isDamagedUTF8(_ bytes: [UInt8]) -> Bool {
        var sequences = 0
        var inSequences = 0
        var stray = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index)
            if length > 0 {
                sequences += 1
                inSequences += length
                index += length
            } else {
                stray += 1
                index += 1
            }
        }
        return stray > 0 && sequences >= 4 && stray * 10 <= inSequences + stray
    }

    /// The length of the well-formed UTF-8 sequence starting at `index` (RFC 3629's table: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when none starts there.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let second: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return 0
        }
        guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
        return length
    }
}
