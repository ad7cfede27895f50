import ComplaintCore

/// The text of an RTF body as Outlook writes one, for a message whose only body is rich text.
///
/// Plain RTF gives its characters: `\par` and `\line` are line breaks, `\tab` a tab, `\'hh` bytes
/// in the document's code page (`\ansicpg`, so GBK from a Chinese Outlook), `\uN` Unicode
/// characters (with the `\ucN` fallback characters after them skipped). Groups that hold no text
/// (font and colour tables, styles, pictures, document info, field instructions, and any
/// `\*` destination) are skipped. Outlook's HTML wrapped in RTF (`\fromhtml1`, MS-OXRTFEX) is
/// unwrapped to its HTML instead (the `\*\htmltag` groups and the text outside `\htmlrtf`), which
/// ``HTMLText`` then reads.
enum RTFText {
    /// The text (wrapped HTML already converted).
    static func text(_ rtf: [UInt8]) -> String {
        var reader = Reader(rtf)
        reader.run()
        let text = reader.finish()
        return reader.isHTML ? HTMLText.text(from: text) : text
    }

    private struct Group {
        var skip = false
        var fallbackCount = 1
        var htmlOnlyRTF = false
        var isHTMLTag = false
    }

    /// Destinations whose content is not text.
    private static let skipped: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "headerl", "headerr",
        "headerf", "footerl", "footerr", "footerf", "fldinst", "listtable", "listoverridetable", "rsidtbl",
        "xmlnstbl", "themedata", "colorschememapping", "latentstyles", "datastore", "generator", "filetbl",
        "revtbl", "pntext", "pntxta", "pntxtb", "mhtmltag",
    ]

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var groups = [Group()]
        var output = ""
        /// `\'hh` bytes waiting to be decoded together (a GBK character is two of them).
        var pendingBytes: [UInt8] = []
        /// Characters still to skip after a `\uN` (its fallback for readers without Unicode).
        var fallbackLeft = 0
        var codepage = TNEFCodepage(1252)
        var isHTML = false

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var group: Group {
            get { groups[groups.count - 1] }
            set { groups[groups.count - 1] = newValue }
        }

        /// Whether text read now belongs to the output.
        var isShown: Bool { !group.skip && !(isHTML && group.htmlOnlyRTF && !group.isHTMLTag) }

        mutating func run() {
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"):
                    flush()
                    groups.append(group)
                case UInt8(ascii: "}"):
                    flush()
                    fallbackLeft = 0  // a `\uN`'s fallback never reaches past its group
                    if groups.count > 1 { groups.removeLast() }
                case UInt8(ascii: "\\"): control()
                case 0x0D, 0x0A: break
                default: character(byte)
                }
            }
        }

        mutating func finish() -> String {
            flush()
            return output
        }

        private mutating func character(_ byte: UInt8) {
            if fallbackLeft > 0 {
                fallbackLeft -= 1
                return
            }
            guard isShown else { return }
            if byte < 0x80 {
                flush()
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                pendingBytes.append(byte)
            }
        }

        private mutating func flush() {
            guard !pendingBytes.isEmpty else { return }
            output += codepage.decode(pendingBytes)
            pendingBytes = []
        }

        private mutating func append(_ text: String) {
            guard isShown else { return }
            flush()
            output += text
        }

        private mutating func control() {
            guard index < bytes.count else { return }
            let first = bytes[index]
            guard Self.isLetter(first) else {
                index += 1
                symbol(first)
                return
            }
            let start = index
            while index < bytes.count, Self.isLetter(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            var parameter: Int?
            let numberStart = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, index - numberStart < 10 {
                index += 1
            }
            if index > numberStart { parameter = Int(String(decoding: bytes[numberStart..<index], as: UTF8.self)) }
            if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            word(name, parameter)
        }

        private mutating func symbol(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "'"):
                guard index + 2 <= bytes.count,
                    let value = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16)
                else { return }
                index += 2
                character(value)
            case UInt8(ascii: "*"): group.skip = group.skip || !isHTML || !nextIsHTMLTag
            case UInt8(ascii: "~"): append(" ")
            case UInt8(ascii: "_"): append("-")
            case 0x0D, 0x0A: append("\n")
            case UInt8(ascii: "-"): break
            default: character(byte)
            }
        }

        /// After `\*`: whether the destination is `\htmltag`, the one wrapped HTML keeps.
        private var nextIsHTMLTag: Bool {
            let tag = Array("\\htmltag".utf8)
            return index + tag.count <= bytes.count && Array(bytes[index..<index + tag.count]) == tag
        }

        private mutating func word(_ word: String, _ parameter: Int?) {
            if RTFText.skipped.contains(word) {
                group.skip = true
                return
            }
            switch word {
            case "fromhtml": isHTML = parameter != 0
            case "ansicpg":
                if let parameter, (1...65535).contains(parameter) { codepage = TNEFCodepage(UInt32(parameter)) }
            case "htmltag": group.isHTMLTag = true
            case "htmlrtf": group.htmlOnlyRTF = parameter != 0
            case "uc": group.fallbackCount = min(max(0, parameter ?? 1), 8)
            case "u":
                guard let parameter else { return }
                // Written as a signed 16-bit number: -4064 is U+F020.
                let value = parameter < 0 ? parameter + 65536 : parameter
                if (0...0x10FFFF).contains(value), let scalar = Unicode.Scalar(UInt32(value)) {
                    append(String(Character(scalar)))
                }
                fallbackLeft = group.fallbackCount
            case "par", "line", "sect", "page", "row": append("\n")
            case "tab", "cell": append("\t")
            case "emdash": append("—")
            case "endash": append("–")
            case "bullet": append("•")
            case "lquote": append("‘")
            case "rquote": append("’")
            case "ldblquote": append("“")
            case "rdblquote": append("”")
            default: break
            }
        }

        private static func isLetter(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }
}
