/// A filename a sender supplied (an email attachment's `filename=`), made safe to show and to save.
///
/// Senders choose these names, and some choose `../../etc/passwd`, `C:\Windows\x.dll`, names with
/// NUL or newlines (log and header injection), right-to-left overrides that turn `photo‮gpj.exe`
/// into what looks like `photoexe.jpg`, or kilobytes of text. The record carries only the
/// sanitized name; the adapter keeps the original in `source.extra` for audit when it differed.
public enum SafeFilename {
    /// The longest name kept, in UTF-8 bytes (the common file-system limit).
    public static let maxBytes = 255

    /// The last path component with control, bidirectional-override and Windows-reserved characters
    /// removed or replaced, leading dots and surrounding spaces trimmed, cut to ``maxBytes`` keeping
    /// the extension; nil when nothing usable is left.
    public static func sanitize(_ name: String) -> String? {
        // Either separator: a name from Windows uses `\`, and a server on Linux must still not split on it.
        let base = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in base.unicodeScalars {
            if isRemoved(scalar) { continue }
            if isReserved(scalar) {
                scalars.append("_")
            } else {
                scalars.append(scalar)
            }
        }
        var cleaned = String(scalars)
        while let first = cleaned.unicodeScalars.first, first == "." || first.properties.isWhitespace {
            cleaned.unicodeScalars.removeFirst()
        }
        while let last = cleaned.unicodeScalars.last, last == "." || last.properties.isWhitespace {
            cleaned.unicodeScalars.removeLast()
        }
        guard !cleaned.isEmpty else { return nil }
        return truncated(cleaned)
    }

    /// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate controls.
    private static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Characters Windows refuses in names (`:` also opens an NTFS alternate data stream).
    private static func isReserved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ":", "*", "?", "\"", "<", ">", "|": true
        default: false
        }
    }

    /// Cut to ``maxBytes`` on a character boundary, keeping a short extension (`.pdf`) at the end.
    private static func truncated(_ name: String) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var stem = Substring(name)
        var suffix = ""
        if let dot = name.lastIndex(of: "."), name.utf8.distance(from: dot, to: name.endIndex) <= 16 {
            stem = name[..<dot]
            suffix = String(name[dot...])
        }
        var kept = ""
        var bytes = 0
        for character in stem {
            let size = character.utf8.count
            if bytes + size + suffix.utf8.count > maxBytes { break }
            kept.append(character)
            bytes += size
        }
        return kept + suffix
    }
}
