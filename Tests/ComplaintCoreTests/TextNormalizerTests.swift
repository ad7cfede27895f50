import ComplaintCore
import Foundation
import Testing

/// Text normalization: line breaks, control characters, trimming and NFC.
struct TextNormalizerTests {
    @Test(arguments: [
        ("hello", "hello"),
        ("", ""),
        ("a\tb\nc", "a\tb\nc"),
        // Line breaks: CRLF and lone CR become LF, without doubling.
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\rb", "a\n\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        // Controls other than \n and \t go, NUL, DEL, C1 and the byte-order mark included.
        ("a\u{0}b", "ab"),
        ("\u{FEFF}投诉", "投诉"),
        ("a\u{7}b\u{1B}c\u{7F}d\u{85}e\u{9F}f", "abcdef"),
        ("a\u{FEFF}b", "ab"),
        // Trimming, including ideographic space, NBSP and line breaks at the ends.
        ("  hello  ", "hello"),
        ("\n\thello\t\n", "hello"),
        ("\u{3000}噪音扰民\u{3000}", "噪音扰民"),
        ("\u{00A0}hello\u{00A0}", "hello"),
        ("\r\n line one\r\nline two \r\n", "line one\nline two"),
        ("\u{FEFF} hello", "hello"),
        ("a \u{3000} b", "a \u{3000} b"),
        ("   ", ""),
        ("\u{3000}\u{00A0}\r\n\t", ""),
        ("\u{0}\u{FEFF}", ""),
        // NFC: decomposed sequences compose; composed text is unchanged.
        ("Cafe\u{301}", "Caf\u{E9}"),
        ("Caf\u{E9}", "Caf\u{E9}"),
        (" A\u{30A}ngstro\u{308}m ", "\u{C5}ngstr\u{F6}m"),
        ("\u{1100}\u{1161}", "\u{AC00}"),
        ("市民反映：小区噪音", "市民反映：小区噪音"),
        // Characters from blocks the NFC quick check trusts, next to ones it must not.
        ("\u{304B}\u{3099}", "\u{304C}"),  // か + voicing mark is が
        ("\u{1100}\u{1161}\u{11A8}", "\u{AC01}"),  // Hangul jamo compose
        ("\u{2000}\u{2001}", ""),  // singletons to U+2002 and U+2003, then trimmed
        ("a\u{2000}b", "a\u{2002}b"),
        ("\u{F900}", "\u{8C48}"),  // CJK compatibility ideograph
        ("\u{4E00}\u{302B}\u{302A}", "\u{4E00}\u{302A}\u{302B}"),  // marks reorder by class
        ("投诉\u{1F621}\u{FE0F}", "投诉\u{1F621}\u{FE0F}"),
        ("“噪音”…—￥１２３", "“噪音”…—￥１２３"),
    ])
    func normalize(input: String, expected: String) {
        let output = TextNormalizer.normalize(input)
        // Compare scalars: String equality already treats NFC and NFD as equal.
        #expect(Array(output.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test(arguments: ["plain ascii", "a\tb", "line\nbreak", "x", "{\"json\": 1}"])
    func cleanASCIIIsReturnedAsIs(input: String) {
        #expect(TextNormalizer.normalize(input) == input)
    }

    @Test(arguments: [
        (String?.none, String?.none),
        ("", nil),
        ("  \r\n\u{3000}", nil),
        ("\u{FEFF}", nil),
        (" hi ", "hi"),
        ("e\u{301}", "\u{E9}"),
    ])
    func normalizeOptional(input: String?, expected: String?) {
        let output = TextNormalizer.normalizeOptional(input)
        #expect(output.map { Array($0.unicodeScalars) } == expected.map { Array($0.unicodeScalars) })
    }

    @Test func normalizingTwiceChangesNothing() {
        let samples = ["\r\n a\u{0}b\r c\u{301} \u{3000}", "\u{FEFF}投诉\r\n内容\t", "x\u{85}y"]
        for sample in samples {
            let once = TextNormalizer.normalize(sample)
            #expect(Array(TextNormalizer.normalize(once).unicodeScalars) == Array(once.unicodeScalars))
        }
    }

    /// The NFC quick check may only trust scalars that NFC leaves alone in any context: each
    /// one unchanged by NFC on its own, of combining class 0, and never the second part of a
    /// canonical decomposition (those are the ones that compose with what precedes them).
    @Test func nfcQuickCheckTrustsOnlyStableScalars() {
        var composingParts = Set<UInt32>()
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
            for part in decomposed.dropFirst() { composingParts.insert(part.value) }
        }
        var trusted = 0
        for value in UInt32(0)...0x2FFFF where NFCQuickCheck.isStable(value) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            trusted += 1
            #expect(scalar.properties.canonicalCombiningClass == .notReordered, "U+\(String(value, radix: 16))")
            #expect(!composingParts.contains(value), "U+\(String(value, radix: 16))")
            let nfc = String(scalar).precomposedStringWithCanonicalMapping
            #expect(Array(nfc.unicodeScalars) == [scalar], "U+\(String(value, radix: 16))")
        }
        #expect(trusted > 40_000)
    }
}
