/// The per-character folding behind keyword matching: lowercase, and full-width ASCII as half-width.
///
/// One function serves both sides (keywords at load, complaint text per decision), so both are
/// folded the same way by construction.
enum ScalarFold {
    /// Calls `emit` with the folded form of `value` (one scalar, rarely more for special lowercasings).
    @inline(__always)
    static func fold(_ value: UInt32, _ emit: (UInt32) -> Void) {
        if value < 0x80 {
            emit(value &- 0x41 < 26 ? value | 0x20 : value)
        } else if value &- 0xFF01 < 0x5E {
            // Full-width ASCII variants (U+FF01–U+FF5E) to ASCII, then lowercase.
            let ascii = value &- 0xFEE0
            emit(ascii &- 0x41 < 26 ? ascii | 0x20 : ascii)
        } else if value == 0x3000 {
            emit(0x20)  // the ideographic space
        } else if value &- 0x2E80 < 0xA000 - 0x2E80 || value &- 0xAC00 < 0xD7B0 - 0xAC00 {
            // CJK punctuation, kana, ideographs (U+2E80–U+9FFF) and Hangul syllables have no case.
            emit(value)
        } else {
            foldSlow(value, emit)
        }
    }

    /// Every BMP scalar whose folded form is not itself, with that form, so matchers can fold
    /// by table lookup. Computed once (a few milliseconds), on first use.
    static let bmpChanges: [(value: UInt32, folded: [UInt32])] = {
        var changes: [(value: UInt32, folded: [UInt32])] = []
        for value in UInt32(0)..<0x10000 where !(0xD800..<0xE000).contains(value) {
            var first: UInt32?
            var rest: [UInt32] = []
            fold(value) { folded in
                if first == nil { first = folded } else { rest.append(folded) }
            }
            guard let first, first != value || !rest.isEmpty else { continue }
            changes.append((value, [first] + rest))
        }
        return changes
    }()

    private static func foldSlow(_ value: UInt32, _ emit: (UInt32) -> Void) {
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
            emit(value)
            return
        }
        for lowered in scalar.properties.lowercaseMapping.unicodeScalars { emit(lowered.value) }
    }
}
