/// One header field as it stood in the message, unfolded, its value still raw bytes.
public struct HeaderField: Sendable, Equatable {
    /// The name as written (compare with ``HeaderBlock/subscript(_:)``, which ignores case).
    public var name: String
    /// The unfolded value: line breaks of folded lines removed, leading whitespace trimmed.
    public var value: [UInt8]
}

/// The header section of a message or body part (RFC 5322 section 2.2).
public struct HeaderBlock: Sendable, Equatable {
    public var fields: [HeaderField] = []

    /// At most this many fields are kept; a message with more is malformed or hostile.
    static let maxFields = 2_000

    public init(fields: [HeaderField] = []) { self.fields = fields }

    /// The first field named `name` (case-insensitive), raw.
    public func raw(_ name: String) -> [UInt8]? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Every field named `name`, raw, in order.
    public func all(_ name: String) -> [[UInt8]] {
        let lowered = name.lowercased()
        return fields.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    /// The first field named `name`, RFC 2047 words and raw 8-bit bytes decoded.
    public subscript(_ name: String) -> String? {
        raw(name).map(EncodedWords.decode)
    }

    /// Parses the header section starting at `start` in `bytes`.
    ///
    /// Lenient the way mail readers are: LF or CRLF line ends, an mbox `From ` line first is
    /// skipped, and a line that is neither a field nor a continuation ends the header section
    /// (it is recorded as a defect and becomes the first body line).
    /// - Returns: the fields, the index where the body starts, and defects found.
    public static func parse(_ bytes: [UInt8], from start: Int, to end: Int) -> (
        HeaderBlock, bodyStart: Int, defects: [String]
    ) {
        var block = HeaderBlock()
        var defects: [String] = []
        var position = start
        var current: (name: String, value: [UInt8])?
        func finish() {
            guard let field = current else { return }
            current = nil
            if block.fields.count < maxFields {
                block.fields.append(HeaderField(name: field.name, value: trimmed(field.value)))
            } else if block.fields.count == maxFields {
                defects.append("more than \(maxFields) header fields; the rest ignored")
            }
        }
        var firstLine = true
        while position < end {
            let lineEnd = Bytes.lineEnd(bytes, from: position, to: end)
            let contentEnd = Bytes.trimmingLineBreak(bytes, from: position, to: lineEnd)
            defer { firstLine = false }
            if contentEnd == position {
                finish()
                return (block, lineEnd, defects)
            }
            let first = bytes[position]
            if first == 0x20 || first == 0x09 {
                if current != nil {
                    current!.value.append(contentsOf: bytes[position..<contentEnd])
                } else {
                    defects.append("continuation line without a field")
                }
                position = lineEnd
                continue
            }
            if firstLine && Bytes.hasPrefix(bytes, "From ", at: position, end: contentEnd) {
                position = lineEnd
                continue
            }
            guard let colon = Bytes.firstIndex(of: UInt8(ascii: ":"), in: bytes, from: position, to: contentEnd),
                colon > position, isFieldName(bytes[position..<colon])
            else {
                finish()
                defects.append("header section ended by a line that is not a field")
                return (block, position, defects)
            }
            finish()
            var nameEnd = colon
            while nameEnd > position && (bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09) { nameEnd -= 1 }
            current = (
                String(decoding: bytes[position..<nameEnd], as: UTF8.self), Array(bytes[(colon + 1)..<contentEnd])
            )
            position = lineEnd
        }
        finish()
        return (block, end, defects)
    }

    /// Printable ASCII except colon (RFC 5322 ftext); trailing spaces before the colon are tolerated.
    private static func isFieldName(_ name: ArraySlice<UInt8>) -> Bool {
        var sawSpace = false
        for byte in name {
            if byte == 0x20 || byte == 0x09 {
                sawSpace = true
                continue
            }
            if sawSpace || byte < 0x21 || byte > 0x7E { return false }
        }
        return true
    }

    private static func trimmed(_ value: [UInt8]) -> [UInt8] {
        var start = 0
        var end = value.count
        while start < end && Bytes.isWhitespace(value[start]) { start += 1 }
        while end > start && Bytes.isWhitespace(value[end - 1]) { end -= 1 }
        return start == 0 && end == value.count ? value : Array(value[start..<end])
    }
}
