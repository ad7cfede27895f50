/// Inline PGP (RFC 4880 section 7; Enigmail's, Mailvelope's and GnuPG users' "inline" mode): the
/// armor written into a plain-text body instead of PGP/MIME parts.
///
/// A clear-signed text is the text between the armor headers and the signature, its dash-escaping
/// (`- ` before a line that starts with `-`) undone; the signature stays in the raw message, as a
/// PGP/MIME signature does. An encrypted body cannot be read: it is no text at all, and says so.
enum InlinePGP {
    enum Reading: Equatable {
        /// No inline PGP at the start of the text.
        case plain
        /// The signed text (and whatever followed the signature, such as a list's footer).
        case signed(String)
        case encrypted
    }

    static let encryptedDefect = "encrypted (inline PGP): the content cannot be read"

    static func read(_ text: String) -> Reading {
        let start = text.drop { $0.isWhitespace }
        if start.hasPrefix("-----BEGIN PGP MESSAGE-----") {
            return start.contains("-----END PGP MESSAGE-----") ? .encrypted : .plain
        }
        guard start.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----") else { return .plain }
        // "\r\n" is one Character: both line ends are separators.
        let lines = start.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        // Armor headers (`Hash: SHA256`) up to the first empty line; then the signed text.
        guard let blank = lines.dropFirst().firstIndex(where: { $0.allSatisfy(\.isWhitespace) }),
            let signature = lines[blank...].firstIndex(of: "-----BEGIN PGP SIGNATURE-----")
        else { return .plain }
        var kept = lines[(blank + 1)..<signature].map { $0.hasPrefix("- ") ? $0.dropFirst(2) : $0 }
        if let end = lines[signature...].firstIndex(of: "-----END PGP SIGNATURE-----") {
            let after = lines[(end + 1)...].drop { $0.allSatisfy(\.isWhitespace) }
            if !after.isEmpty { kept += [""] + after }
        }
        return .signed(kept.joined(separator: "\n"))
    }
}
