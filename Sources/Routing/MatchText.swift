/// Text folded for matching: lowercase and half-width, so `ＡＢＣ１２３` matches `abc123`.
///
/// Chinese has no word boundaries, so keyword conditions are substring tests on folded text;
/// folding both the keywords (once, at load) and the complaint (once per decision) keeps the
/// per-rule cost to a plain substring search.
public enum MatchText {
    /// Folds full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to ASCII, then lowercases.
    public static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(text.unicodeScalars.count)
        var needsLowercase = false
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) {
                value -= 0xFEE0
            } else if value == 0x3000 {
                value = 0x20
            }
            let folded = Unicode.Scalar(value) ?? scalar
            if folded.properties.changesWhenLowercased { needsLowercase = true }
            scalars.append(folded)
        }
        let result = String(scalars)
        return needsLowercase ? result.lowercased() : result
    }
}
