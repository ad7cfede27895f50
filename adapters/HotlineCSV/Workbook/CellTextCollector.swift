/// The text of a cell's `<t>` or `<v>` elements, gathered across the pieces the scanner hands
/// over, decoded as OOXML writes it.
struct CellTextCollector {
    var collecting = false
    private var bytes: [UInt8] = []
    private var escaped = false

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        escaped = false
        collecting = false
    }

    mutating func add(_ piece: UnsafeBufferPointer<UInt8>, cdata: Bool) {
        guard collecting else { return }
        if cdata {
            // Kept apart from entity decoding by escaping what would be read as one.
            for byte in piece {
                if byte == UInt8(ascii: "&") { bytes.append(contentsOf: "&amp;".utf8) } else { bytes.append(byte) }
            }
        } else {
            bytes.append(contentsOf: piece)
        }
    }

    /// Adds text that was not escaped (a space or a tab an element stands for), when collecting.
    /// Not past the longest row a call log may have: `<text:s text:c="32767"/>` is 25 bytes of
    /// XML for 32,767 spaces, and the row is refused as too long once it passes that anyway.
    mutating func append(_ literal: String) {
        guard collecting, bytes.count <= CSVTokenizer.defaultMaxRecordBytes else { return }
        bytes.append(contentsOf: literal.utf8)
    }

    /// The text with its entities expanded, as OpenDocument writes it.
    var decoded: String { bytes.withUnsafeBufferPointer { XMLScanner.decode($0) } }

    /// The text: entities expanded, then OOXML's `_xHHHH_` escapes (how Excel stores control
    /// characters such as a carriage return, `_x000D_`, and a literal `_x`, `_x005F_x`).
    var value: String {
        let decoded = bytes.withUnsafeBufferPointer { XMLScanner.decode($0) }
        // Looked for in the bytes: `String.contains` on every cell cost more than reading it.
        guard bytes.count >= 7, Self.hasEscape(bytes) else { return decoded }
        return Self.unescapeOOXML(decoded)
    }

    private static func hasEscape(_ bytes: [UInt8]) -> Bool {
        var at = 0
        while at + 1 < bytes.count {
            if bytes[at] == UInt8(ascii: "_") && bytes[at + 1] == UInt8(ascii: "x") { return true }
            at += 1
        }
        return false
    }

    static func unescapeOOXML(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var at = 0
        while at < scalars.count {
            if scalars[at] == "_", at + 6 < scalars.count, scalars[at + 1] == "x", scalars[at + 6] == "_",
                let value = UInt32(String(String.UnicodeScalarView(scalars[(at + 2)..<(at + 6)])), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                out.append(scalar)
                at += 7
                continue
            }
            out.append(scalars[at])
            at += 1
        }
        scalars.removeAll()
        return String(out)
    }
}
