/// A conservative form of the Unicode NFC quick check (UAX #15), so text that is already in
/// NFC, as nearly all Chinese text is, skips Foundation's normalization.
///
/// Text made only of scalars that have canonical combining class 0 and NFC_Quick_Check=Yes
/// is in NFC: nothing in it can reorder, compose with a neighbour, or decompose. Rather
/// than carry the Unicode tables, this accepts a hand-picked set of blocks known to hold
/// only such scalars; anything outside them answers false and takes the full path.
/// `package` so the tests can check every scalar of the set against Foundation.
package enum NFCQuickCheck {
    /// Whether `bytes` (valid UTF-8) is certainly in NFC; false means "not known".
    package static func isNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let (scalar, length) = UTF8Scalars.scalar(startingAt: index, in: bytes)
            guard isStable(scalar.value) else { return false }
            index += length
        }
        return true
    }

    /// Blocks whose scalars all have combining class 0 and NFC_Quick_Check=Yes.
    ///
    /// Left out on purpose: U+0300 and above until General Punctuation (combining marks,
    /// Greek singletons such as U+0387, Hangul jamo that compose), U+2000 and U+2001 (which
    /// NFC maps to U+2002 and U+2003), U+302A–U+302F (ideographic tone marks, nonzero
    /// class), U+3099–U+309A (kana voicing marks, which compose), and U+F900–U+FAFF (CJK
    /// compatibility ideographs, which NFC replaces).
    @inline(__always)
    package static func isStable(_ value: UInt32) -> Bool {
        switch value {
        case 0x0000...0x02FF,  // ASCII, Latin-1, Latin Extended-A/B, IPA, spacing modifiers
            0x2002...0x206F,  // General Punctuation: “ ” … — ‰ and the zero-width joiner
            0x20A0...0x20CF,  // currency symbols
            0x2600...0x27BF,  // miscellaneous symbols and dingbats
            0x3000...0x3029, 0x3030...0x3098, 0x309B...0x30FF,  // CJK punctuation, kana
            0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK ideographs
            0xAC00...0xD7A3,  // Hangul syllables
            0xFE00...0xFE0F,  // variation selectors (emoji presentation)
            0xFF01...0xFFEF,  // full-width and half-width forms: ，：（）！ and full-width digits
            0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF:  // emoji
            true
        default:
            false
        }
    }
}
