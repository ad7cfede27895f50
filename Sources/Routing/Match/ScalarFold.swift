/// The per-character folding behind keyword matching: lowercase, full-width ASCII as half-width,
/// every space as a space, and invisible characters dropped.
///
/// One function serves both sides (keywords at load, complaint text per decision), so both are
/// folded the same way by construction.
enum ScalarFold {
    /// Calls `emit` with the folded form of `value`: one scalar, rarely more for special
    /// lowercasings, none for an invisible character.
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
        } else if (value &- 0x2E80 < 0xA000 - 0x2E80 && value != 0x3164) || value &- 0xAC00 < 0xD7B0 - 0xAC00 {
            // CJK punctuation, kana, ideographs (U+2E80–U+9FFF) and Hangul syllables have no case
            // (U+3164, the Hangul filler, is invisible).
            emit(value)
        } else {
            foldSlow(value, emit)
        }
    }

    /// Every BMP scalar whose folded form is not itself, with that form (empty: dropped), so
    /// matchers can fold by table lookup. Computed once (a few milliseconds), on first use.
    static let bmpChanges: [(value: UInt32, folded: [UInt32])] = {
        var changes: [(value: UInt32, folded: [UInt32])] = []
        for value in UInt32(0)..<0x10000 where !(0xD800..<0xE000).contains(value) {
            var folded: [UInt32] = []
            fold(value) { folded.append($0) }
            guard folded != [value] else { continue }
            changes.append((value, folded))
        }
        return changes
    }()

    private static func foldSlow(_ value: UInt32, _ emit: (UInt32) -> Void) {
        if isInvisible(value) { return }
        if isSpace(value) {
            emit(0x20)
            return
        }
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
            emit(value)
            return
        }
        for lowered in scalar.properties.lowercaseMapping.unicodeScalars { emit(lowered.value) }
    }

    /// Unicode's default-ignorable code points (DerivedCoreProperties.txt): zero-width spaces and
    /// joiners, the soft hyphen, the word joiner, a byte-order mark, variation selectors, bidi
    /// controls. Text pasted from web pages and chat apps carries them inside words (`燃气\u{200B}泄漏`),
    /// where a keyword would otherwise not be found. A switch, not a property lookup: the scan
    /// folds every emoji through here.
    static func isInvisible(_ value: UInt32) -> Bool {
        switch value {
        case 0xAD, 0x34F, 0x61C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180F, 0x200B...0x200F,
            0x202A...0x202E, 0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0...0xFFF8,
            0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0000...0xE0FFF:
            return true
        default:
            return false
        }
    }

    /// Unicode's space separators (general category Zs) other than the space and U+3000, handled
    /// above: NBSP (`&nbsp;` pasted from a web page), the narrow and the typographic spaces.
    static func isSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F: return true
        default: return false
        }
    }
}
