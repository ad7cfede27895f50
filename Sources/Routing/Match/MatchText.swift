/// Text folded for matching: lowercase and half-width UTF-8 bytes, so `ＡＢＣ１２３` matches `abc123`.
///
/// Chinese has no word boundaries, so keyword conditions are substring tests. Folded UTF-8 is
/// self-synchronizing, so a byte match is a character match. The decision path does not search
/// these bytes one keyword at a time: every keyword of every rule goes into one
/// ``KeywordAutomaton``. This type keeps a keyword's folded form and serves explanations.
public struct MatchText: Sendable, Hashable, CustomStringConvertible {
    /// The folded UTF-8 bytes.
    public let bytes: [UInt8]
    /// A rule's keyword as its author wrote it, for explanations (`WiFi`, not `wifi`); nil for
    /// the complaint text being searched. Not compared: `WiFi` and `wifi` are one keyword.
    public let authored: String?

    public init(_ text: String) {
        bytes = Self.fold(text)
        authored = nil
    }

    /// A rule's keyword, keeping how it was written.
    public init(keyword: String) {
        bytes = Self.fold(keyword)
        authored = keyword
    }

    public static func == (lhs: MatchText, rhs: MatchText) -> Bool { lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

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

    /// The keyword as written, or the folded text.
    public var description: String { authored ?? text }

    /// The folded scalars, as the automaton consumes them.
    var scalars: [UInt32] { text.unicodeScalars.map(\.value) }

    /// Folds with ``ScalarFold`` and encodes as UTF-8.
    static func fold(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            ScalarFold.fold(scalar.value) { value in
                output.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(value)!)!)
            }
        }
        return output
    }
}
