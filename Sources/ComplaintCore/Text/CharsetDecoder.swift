#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes in a declared (or undeclared) charset to text, through the C library's iconv.
///
/// Real senders mislabel: Outlook and Foxmail write GB18030 under a `gb2312` label, web forms send
/// UTF-8 labelled `us-ascii` or `gb2312`, and old mailers put raw 8-bit bytes in headers with no
/// label at all. The rule, applied in order, so the same bytes always give the same text:
///
/// 1. Bytes that are all ASCII are ASCII, whatever the label, unless the label is a 7-bit
///    encoding (ISO-2022-JP/-KR/-CN, HZ-GB-2312, UTF-7) and they are valid in it.
/// 2. Bytes that are valid UTF-8 are UTF-8, whatever the label (a GBK or Latin-1 text of more than
///    a couple of characters is practically never valid UTF-8, while UTF-8 under a wrong label is common).
///    One exception, for short texts: under a Chinese, Japanese or Korean double-byte label, bytes
///    that read as UTF-8 mostly in two-byte sequences (Latin, Greek, Cyrillic, Hebrew letters) and
///    are valid in the label are the label's. Two GB2312 characters are valid UTF-8 one time in 30
///    (`郑梅` D6 A3 C3 B7 reads `֣÷`, `图片` reads `ͼƬ`); Chinese text written in UTF-8 is three-byte
///    sequences.
/// 3. Bytes that are UTF-8 but for a little damage (cut short mid-character, a byte lost: see
///    ``UTF8Validator/isDamagedUTF8``) are UTF-8, whatever the label, each damaged sequence
///    replaced with U+FFFD.
/// 4. Under a UTF-8 label, bytes that are UTF-8 but for one or two characters cut short (a size
///    limit cut a short text: ``CutShortUTF8``) are UTF-8, each cut character replaced with U+FFFD.
/// 5. The declared charset, strictly, with WHATWG's label aliases: `gb2312`, `gbk`, `x-gbk`,
///    `cp936`, `euc-cn` decode as GB18030 (their superset, with 0x80 as € as in code page 936);
///    `iso-8859-1` and `latin1` as windows-1252; `big5` as Big5-HKSCS; `ks_c_5601-1987` as CP949.
///    A `us-ascii` label says nothing about 8-bit bytes (it is what a part without `Content-Type`
///    defaults to): skipped here.
/// 6. Without a label: Big5-HKSCS when the bytes are valid Big5 with the second bytes Big5 uses
///    and GBK hardly does (``looksLikeBig5(_:)``), and read as Chinese (Taiwan and Hong Kong mail).
///    Then GB18030, strictly (the usual truth behind a wrong or missing label in Chinese mail).
/// 7. The declared charset (or GB18030 when there is none or iconv does not know it; windows-1252
///    for `us-ascii`), replacing each undecodable byte with U+FFFD.
///
/// ``Decoded/charset`` says which step won, so callers can record a mislabel.
public enum CharsetDecoder {
    /// Decoded text and the charset that produced it.
    public struct Decoded: Sendable, Equatable {
        public var text: String
        /// The charset actually used (`utf-8`, `gb18030`, `windows-1252`, ...), lowercase.
        public var charset: String
        /// True when bytes had to be replaced with U+FFFD.
        public var lossy: Bool
    }

    /// Decodes `bytes` as labelled by `declared` (a MIME charset or HTML/CSV encoding label), by the rule above.
    public static func decode(_ bytes: some Collection<UInt8>, declared: String?) -> Decoded {
        let array = Array(bytes)
        if isASCII(array) {
            if let declared, let (text, charset) = sevenBit(array, declared: canonicalName(forLabel: declared)) {
                return Decoded(text: text, charset: charset, lossy: false)
            }
            return Decoded(text: String(decoding: array, as: UTF8.self), charset: "us-ascii", lossy: false)
        }
        // One pass over the bytes decides steps 2 and 3.
        let utf8 = array.withUnsafeBytes(UTF8Validator.checked)
        let label = declared.map(canonicalName(forLabel:))
        // 8-bit bytes under a 7-bit ASCII label (the RFC 2045 default of a part with no
        // Content-Type, which `mail` and swaks send in the sender's locale) say nothing of their charset.
        let labelTells =
            declared.map { !asciiLabels.contains($0.trimmingASCIIWhitespaceAndQuotes().lowercased()) } ?? false
        if utf8.readsAsUTF8 {
            if utf8.isValid, let label, doubleByteLabels.contains(label), mostlyTwoByteSequences(array),
                let text = convert(array, from: label, lossy: false)
            {
                return Decoded(text: text, charset: label, lossy: false)
            }
            let text = String(decoding: array, as: UTF8.self)
            // Unlabelled, a short GBK name that happens to be valid UTF-8 (郑梅 as `֣÷`) reads as
            // marks and symbols only, no letters a person writes, or as letters of several scripts
            // at once (一为要时同也 as `һΪҪʱͬҲ`): GB18030 reading it as Chinese wins.
            if utf8.isValid, !labelTells,
                mostlyTwoByteSequences(array), readsAsMarksOrSymbols(text) || mixesScripts(text),
                let chinese = convert(array, from: "gb18030", lossy: false), readsAsChinese(chinese)
            {
                return Decoded(text: chinese, charset: "gb18030", lossy: false)
            }
            return Decoded(text: text, charset: "utf-8", lossy: !utf8.isValid)
        }
        if label == "utf-8", CutShortUTF8.matches(array) {
            return Decoded(text: String(decoding: array, as: UTF8.self), charset: "utf-8", lossy: true)
        }
        // GB2312 never puts a second byte below 0xA1; Big5 puts two characters in five there. Text
        // labelled GB2312 that does so is Big5 from a Taiwan or Hong Kong mailer set to a mainland
        // label (GBK, which Outlook also labels GB2312, uses those bytes only for rare characters).
        if !labelTells || declared.map(labelsGB2312) == true, looksLikeBig5(array),
            let text = convert(array, from: "big5-hkscs", lossy: false), readsAsChinese(text)
        {
            return Decoded(text: text, charset: "big5-hkscs", lossy: false)
        }
        if let label, label != "utf-8", labelTells, let text = convert(array, from: label, lossy: false) {
            return Decoded(text: text, charset: label, lossy: false)
        }
        if label != "gb18030", let text = convert(array, from: "gb18030", lossy: false) {
            return Decoded(text: text, charset: "gb18030", lossy: false)
        }
        let fallback = label.flatMap { $0 == "utf-8" || !isKnown($0) ? nil : $0 } ?? "gb18030"
        let text = convert(array, from: fallback, lossy: true) ?? String(decoding: array, as: UTF8.self)
        return Decoded(text: text, charset: fallback, lossy: true)
    }

    /// Whether `label` names GB2312 itself (EUC-CN), not GBK or GB18030.
    private static func labelsGB2312(_ label: String) -> Bool {
        ["gb2312", "csgb2312", "euc-cn", "x-euc-cn", "eucgb2312_cn", "gb_2312-80", "chinese", "csiso58gb231280"]
            .contains(label.trimmingASCIIWhitespaceAndQuotes().lowercased())
    }

    /// Labels of 7-bit ASCII, which 8-bit bytes contradict.
    private static let asciiLabels: Set<String> = [
        "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us", "iso-ir-6", "cp367", "ibm367", "csascii",
    ]

    /// East Asian double-byte charsets (after aliases), whose short texts can pass for UTF-8.
    private static let doubleByteLabels: Set<String> = ["gb18030", "big5-hkscs", "cp949", "cp932", "euc-jp"]

    /// Whether valid UTF-8 `bytes` hold more two-byte sequences (U+0080–U+07FF) than longer ones.
    /// Whether every non-ASCII character of `text` is no letter or digit (combining marks, symbols).
    private static func readsAsMarksOrSymbols(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy {
            $0.isASCII || (!$0.properties.isAlphabetic && $0.properties.numericType == nil)
        }
    }

    /// Whether the non-Latin letters of `text` come from two or more scripts (`һΪҪʱͬҲ`: Cyrillic,
    /// Greek and IPA letters in one word), as GBK bytes read as UTF-8 do and no one writes.
    private static func mixesScripts(_ text: String) -> Bool {
        var scripts: Set<Int> = []
        for scalar in text.unicodeScalars where scalar.value >= 0x250 && scalar.value < 0x800 {
            guard scalar.properties.isAlphabetic else { continue }
            switch scalar.value {
            case ..<0x300: scripts.insert(0)  // IPA and modifier letters
            case ..<0x400: scripts.insert(1)  // Greek (and combining marks)
            case ..<0x530: scripts.insert(2)  // Cyrillic
            case ..<0x590: scripts.insert(3)  // Armenian
            case ..<0x600: scripts.insert(4)  // Hebrew
            case ..<0x700: scripts.insert(5)  // Arabic
            default: scripts.insert(6)  // Syriac, Thaana, N'Ko
            }
            if scripts.count >= 2 { return true }
        }
        return false
    }

    /// Whether every non-ASCII character of `text` is a Han character or CJK punctuation.
    private static func readsAsChinese(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy {
            $0.isASCII || $0.properties.isIdeographic || (0x3000...0x303F).contains($0.value)
                || (0xFF00...0xFFEF).contains($0.value)
        }
    }

    /// Whether unlabelled double-byte text is Big5 (Taiwan, Hong Kong) rather than GBK: Big5 puts
    /// about two characters in five on a second byte of 0x40–0x7E, where GBK has only its rare
    /// extension characters, and it never uses 0x80–0xA0 there, where GBK does. Texts of fewer
    /// than four characters say too little and stay GBK's.
    private static func looksLikeBig5(_ bytes: [UInt8]) -> Bool {
        var pairs = 0
        var lowTrail = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            guard lead >= 0x81 else {
                index += 1
                continue
            }
            guard lead <= 0xFE, index + 1 < bytes.count else { return false }
            let trail = bytes[index + 1]
            if (0x40...0x7E).contains(trail) {
                lowTrail += 1
            } else if !(0xA1...0xFE).contains(trail) {
                return false
            }
            pairs += 1
            index += 2
        }
        return pairs >= 4 && lowTrail >= max(2, pairs / 5)
    }

    private static func mostlyTwoByteSequences(_ bytes: [UInt8]) -> Bool {
        var twoByte = 0
        var longer = 0
        for byte in bytes where byte >= 0xC0 {
            if byte < 0xE0 { twoByte += 1 } else { longer += 1 }
        }
        return twoByte > longer
    }

    /// Text in a 7-bit encoding whose bytes are all ASCII but mean something else: ISO-2022-JP
    /// (Japanese mail's usual charset), -KR, -CN (escape sequences), HZ-GB-2312 (`~{` … `~}`,
    /// old Chinese mail and news), and UTF-7 (`+…-` runs of base64 UTF-16, which Outlook and
    /// Outlook Express write under `unicode-1-1-utf-7`). Nil when `name` is none of them, nothing
    /// is escaped, or the bytes are not valid in it: rule 1 then holds.
    private static func sevenBit(_ bytes: [UInt8], declared name: String) -> (String, String)? {
        if name.hasPrefix("iso-2022-") {
            guard bytes.contains(0x1B), let text = convert(bytes, from: name, lossy: false) else { return nil }
            return (text, name)
        }
        if name == "hz-gb-2312" || name == "hz" {
            return HZ.decode(bytes).map { ($0, "hz-gb-2312") }
        }
        if name == "utf-7" {
            guard bytes.contains(UInt8(ascii: "+")), let text = convert(bytes, from: "utf-7", lossy: false) else {
                return nil
            }
            return (text, name)
        }
        return nil
    }

    /// HZ (RFC 1843): `~{` enters GB2312 mode, where each pair of bytes is a GB2312 character with
    /// the high bits cleared; `~}` leaves it; `~~` is `~`; `~` before a line end joins the lines.
    private enum HZ {
        static func decode(_ bytes: [UInt8]) -> String? {
            var gb: [UInt8] = []
            var inGB = false
            var escaped = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "~"), index + 1 < bytes.count {
                    let next = bytes[index + 1]
                    switch next {
                    case UInt8(ascii: "{") where !inGB:
                        inGB = true
                        escaped = true
                    case UInt8(ascii: "}") where inGB: inGB = false
                    case UInt8(ascii: "~") where !inGB: gb.append(next)
                    case 0x0A where !inGB: break
                    case 0x0D where !inGB && index + 2 < bytes.count && bytes[index + 2] == 0x0A: index += 1
                    default: return nil
                    }
                    index += 2
                    continue
                }
                if inGB {
                    guard index + 1 < bytes.count, (0x21...0x7E).contains(byte),
                        (0x21...0x7E).contains(bytes[index + 1])
                    else { return nil }
                    gb.append(byte | 0x80)
                    gb.append(bytes[index + 1] | 0x80)
                    index += 2
                } else {
                    gb.append(byte)
                    index += 1
                }
            }
            guard escaped else { return nil }
            return convert(gb, from: "gb18030", lossy: false)
        }
    }

    /// Decodes strictly as `label` (aliases applied); nil when the bytes are not valid in it or iconv does not know it.
    public static func decodeStrictly(_ bytes: some Collection<UInt8>, as label: String) -> String? {
        let array = Array(bytes)
        let name = canonicalName(forLabel: label)
        if name == "utf-8" || isASCII(array) { return String(validating: array, as: UTF8.self) }
        return convert(array, from: name, lossy: false)
    }

    /// The iconv name for an encoding label: lowercased, trimmed, quotes removed, WHATWG aliases applied.
    public static func canonicalName(forLabel label: String) -> String {
        var name = label.trimmingASCIIWhitespaceAndQuotes().lowercased()
        if name.hasPrefix("x-") && aliases[name] == nil { name = String(name.dropFirst(2)) }
        return aliases[name] ?? name
    }

    /// Whether iconv can convert from `label`.
    public static func isKnown(_ label: String) -> Bool {
        let name = canonicalName(forLabel: label)
        if name == "utf-8" { return true }
        let descriptor = iconv_open("UTF-8", name)
        guard !isInvalid(descriptor) else { return false }
        iconv_close(descriptor)
        return true
    }

    private static let aliases: [String: String] = [
        "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "utf-8": "utf-8",
        "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030",
        "windows-936": "gb18030", "euc-cn": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
        "chinese": "gb18030", "iso-ir-58": "gb18030", "gb18030": "gb18030", "x-euc-cn": "gb18030",
        // Python's email package labels with its codec names: `eucgb2312_cn`, `big5_tw`.
        "eucgb2312_cn": "gb18030", "euc_cn": "gb18030", "gb2312_80": "gb18030", "gb18030-2000": "gb18030",
        "gb_18030": "gb18030", "big5_tw": "big5-hkscs", "big5tw": "big5-hkscs", "csbig5": "big5-hkscs",
        "big5hkscs": "big5-hkscs", "big5_hkscs": "big5-hkscs", "cp950": "big5-hkscs", "ms950": "big5-hkscs",
        "windows-950": "big5-hkscs", "utf_8": "utf-8", "cp65001": "utf-8",
        "us-ascii": "windows-1252", "ascii": "windows-1252", "iso-8859-1": "windows-1252",
        "iso8859-1": "windows-1252", "latin1": "windows-1252", "l1": "windows-1252", "cp1252": "windows-1252",
        "big5": "big5-hkscs", "big5-hkscs": "big5-hkscs", "cn-big5": "big5-hkscs", "x-x-big5": "big5-hkscs",
        "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "windows-949": "cp949",
        "shift_jis": "cp932", "sjis": "cp932", "ms_kanji": "cp932", "windows-31j": "cp932",
        "iso-2022-jp": "iso-2022-jp", "csiso2022jp": "iso-2022-jp", "euc-jp": "euc-jp",
        "hz-gb-2312": "hz-gb-2312", "hz": "hz-gb-2312",
        "utf-7": "utf-7", "utf7": "utf-7", "unicode-1-1-utf-7": "utf-7", "csunicode11utf7": "utf-7",
        "unicode-2-0-utf-7": "utf-7",
    ]

    /// iconv_open's failure value, `(iconv_t) -1`.
    private static func isInvalid(_ descriptor: iconv_t?) -> Bool {
        Int(bitPattern: descriptor) == -1
    }

    private static func isASCII(_ bytes: [UInt8]) -> Bool {
        var ascii = true
        for byte in bytes { ascii = ascii && byte < 0x80 }
        return ascii
    }

    /// iconv from `name` to UTF-8; with `lossy`, each byte iconv refuses becomes U+FFFD.
    private static func convert(_ input: [UInt8], from name: String, lossy: Bool) -> String? {
        if input.isEmpty { return "" }
        let descriptor = iconv_open("UTF-8", name)
        guard !isInvalid(descriptor) else { return nil }
        defer { iconv_close(descriptor) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 2 + 16)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var consumed = 0
        var flushed = false
        while !flushed {
            // Once the input is used up, one call without input flushes stateful encodings (ISO-2022-JP).
            let flushing = consumed >= input.count
            let (read, failed, errorNumber) = input.withUnsafeBufferPointer { inBuffer in
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    var inLeft = inBuffer.count - consumed
                    let status: Int
                    if flushing {
                        status = iconv(descriptor, nil, nil, &outPointer, &outLeft)
                    } else {
                        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                            mutating: UnsafeRawPointer(inBuffer.baseAddress! + consumed).assumingMemoryBound(
                                to: CChar.self))
                        status = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    }
                    let failure = status == -1 ? errno : 0
                    output.append(contentsOf: outBuffer[0..<(outBuffer.count - outLeft)])
                    return (flushing ? 0 : inBuffer.count - consumed - inLeft, status == -1, failure)
                }
            }
            consumed += read
            if !failed {
                flushed = flushing
                continue
            }
            switch errorNumber {
            case E2BIG:
                continue
            case EILSEQ where name == "gb18030" && !flushing && input[consumed] == 0x80:
                // Windows' code page 936 (what Excel, WPS and Windows programs write as "GBK") and
                // the WHATWG decoders read 0x80 as €; GB18030 itself leaves it unassigned.
                output.append(contentsOf: [0xE2, 0x82, 0xAC])
                consumed += 1
                iconv(descriptor, nil, nil, nil, nil)
            case EILSEQ, EINVAL:
                // EINVAL is a sequence cut off by the end of the input.
                guard lossy, !flushing else { return nil }
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                consumed += 1
                iconv(descriptor, nil, nil, nil, nil)
            default:
                return nil
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespaceAndQuotes() -> String {
        let junk: Set<Character> = [" ", "\t", "\r", "\n", "\"", "'"]
        var slice = Substring(self)
        while let first = slice.first, junk.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, junk.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
