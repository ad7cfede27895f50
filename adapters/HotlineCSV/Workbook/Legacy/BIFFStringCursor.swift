/// Reads through a record and the CONTINUE records that carry on from it, as one run of bytes,
/// except inside a string's characters: there a CONTINUE starts with a byte of its own saying
/// whether the characters from there on are stored one byte or two bytes each.
///
/// The CONTINUE records are taken one at a time as the reading reaches them, so a shared-string
/// table of any size passes through in one record's memory.
struct BIFFStringCursor {
    private var bytes: [UInt8]
    private var at = 0
    private let more: () throws(WorkbookError) -> [UInt8]?

    /// - Parameter more: the next CONTINUE record's body, nil when the next record is another.
    init(_ bytes: [UInt8], continuedBy more: @escaping () throws(WorkbookError) -> [UInt8]? = { nil }) {
        self.bytes = bytes
        self.more = more
    }

    /// Whether the record and its CONTINUE records are read to their end.
    mutating func atEnd() throws(WorkbookError) -> Bool {
        while at >= bytes.count {
            guard let next = try more() else { return true }
            bytes = next
            at = 0
        }
        return false
    }

    mutating func byte() throws(WorkbookError) -> Int {
        guard try !atEnd() else { throw .damaged("a string in its workbook stream is cut short") }
        at += 1
        return Int(bytes[at - 1])
    }

    mutating func uint16() throws(WorkbookError) -> Int { try byte() | (try byte()) << 8 }

    mutating func uint32() throws(WorkbookError) -> Int { try uint16() | (try uint16()) << 16 }

    mutating func skip(_ count: Int) throws(WorkbookError) {
        var left = count
        while left > 0 {
            guard try !atEnd() else { throw .damaged("a string in its workbook stream is cut short") }
            let step = min(left, bytes.count - at)
            at += step
            left -= step
        }
    }

    /// The next `count` bytes, across CONTINUE records.
    mutating func bytes(_ count: Int) throws(WorkbookError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            guard try !atEnd() else { throw .damaged("a string in its workbook stream is cut short") }
            let step = min(count - result.count, bytes.count - at)
            result.append(contentsOf: bytes[at..<(at + step)])
            at += step
        }
        return result
    }

    /// A string as BIFF8 stores it ([MS-XLS] XLUnicodeRichExtendedString): its length in
    /// characters (`lengthBytes` 1 or 2 bytes), a flags byte, then the characters, and, for
    /// formatted text, its runs and its phonetic guide, which are skipped.
    mutating func string(lengthBytes: Int) throws(WorkbookError) -> String {
        var left = lengthBytes == 1 ? try byte() : try uint16()
        let flags = try byte()
        let runs = flags & 0x08 != 0 ? try uint16() : 0
        let extended = flags & 0x04 != 0 ? try uint32() : 0
        var wide = flags & 0x01 != 0
        // Written as UTF-8 as the characters come: a String made from UTF-8 is only checked,
        // one made from UTF-16 is transcoded unit by unit, which costs more than the rest.
        var utf8 = UTF8Writer(capacity: left)
        while left > 0 {
            if at >= bytes.count {
                // Characters carried on in a CONTINUE record: it starts with their flags byte.
                guard let next = try more(), !next.isEmpty else {
                    throw .damaged("a string in its workbook stream is cut short")
                }
                bytes = next
                wide = next[0] & 0x01 != 0
                at = 1
            }
            let fits = min(left, (bytes.count - at) / (wide ? 2 : 1))
            guard fits > 0 else { throw .damaged("a string in its workbook stream is cut short") }
            if wide {
                for index in 0..<fits {
                    utf8.add(unit: UInt16(bytes[at + index * 2]) | UInt16(bytes[at + index * 2 + 1]) << 8)
                }
            } else {
                // One byte each: the characters U+0000 to U+00FF.
                for index in 0..<fits { utf8.add(scalar: UInt32(bytes[at + index])) }
            }
            at += fits * (wide ? 2 : 1)
            left -= fits
        }
        try skip(runs * 4 + extended)
        return utf8.string()
    }
}

/// UTF-16 code units (or Latin-1 characters) written out as UTF-8; a surrogate without its pair
/// becomes U+FFFD, as decoding the UTF-16 would make it.
private struct UTF8Writer {
    private var bytes: [UInt8] = []
    private var high: UInt32?

    init(capacity: Int) { bytes.reserveCapacity(capacity * 3) }

    mutating func add(unit: UInt16) {
        let value = UInt32(unit)
        if let first = high {
            high = nil
            if (0xDC00...0xDFFF).contains(value) {
                add(scalar: 0x10000 + ((first - 0xD800) << 10) + (value - 0xDC00))
                return
            }
            add(scalar: 0xFFFD)
        }
        switch value {
        case 0xD800...0xDBFF: high = value
        case 0xDC00...0xDFFF: add(scalar: 0xFFFD)
        default: add(scalar: value)
        }
    }

    mutating func add(scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    mutating func string() -> String {
        if high != nil { add(scalar: 0xFFFD) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
