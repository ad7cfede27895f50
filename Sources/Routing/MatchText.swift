/// Text folded for matching: lowercase and half-width UTF-8 bytes, so `ＡＢＣ１２３` matches `abc123`.
///
/// Chinese has no word boundaries, so keyword conditions are substring tests. Folding the
/// keywords once at load and the complaint once per decision, then searching raw UTF-8 bytes
/// (self-synchronizing, so a byte match is a character match), keeps each test a plain byte search.
public struct MatchText: Sendable, Hashable {
    /// The folded UTF-8 bytes.
    public let bytes: [UInt8]

    public init(_ text: String) { bytes = Self.fold(text) }

    /// Whether `needle` occurs in this text.
    public func contains(_ needle: MatchText) -> Bool {
        guard !needle.bytes.isEmpty else { return true }
        guard needle.bytes.count <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            needle.bytes.withUnsafeBufferPointer { pattern in
                let first = pattern[0]
                let last = haystack.count - pattern.count
                var start = 0
                while start <= last {
                    if haystack[start] == first {
                        var offset = 1
                        while offset < pattern.count && haystack[start + offset] == pattern[offset] { offset += 1 }
                        if offset == pattern.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// The folded text as a string (for explanations).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Folds full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to ASCII, then lowercases.
    static func fold(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) {
                value -= 0xFEE0
            } else if value == 0x3000 {
                value = 0x20
            }
            if value < 0x80 {
                var byte = UInt8(value)
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                output.append(byte)
            } else if (0x2E80..<0xFF00).contains(value) || !scalar.properties.changesWhenLowercased {
                // CJK, kana, Hangul and their punctuation have no case: skip the property lookup.
                appendUTF8(value, to: &output)
            } else {
                output.append(contentsOf: String(scalar).lowercased().utf8)
            }
        }
        return output
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        switch value {
        case ..<0x800:
            output.append(UInt8(0xC0 | (value >> 6)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        case ..<0x10000:
            output.append(UInt8(0xE0 | (value >> 12)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (value >> 18)))
            output.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
