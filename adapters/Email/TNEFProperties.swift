/// A MAPI property list as TNEF carries it (`attMsgProps`, `attAttachment`): a count, then each
/// property's tag, its name when it is a named property, and its values.
///
/// Only the values the mail builder reads are kept (strings, binaries, objects, 32-bit integers);
/// the others are stepped over by their size. A list that runs past its data, or a property type
/// whose size is unknown, ends the reading: the properties read until then are kept.
struct TNEFProperties {
    enum Value {
        case string8([UInt8])
        case unicode([UInt8])
        case binary(ArraySlice<UInt8>)
        /// `PT_OBJECT`: the interface identifier (16 bytes) and the object's bytes.
        case object(iid: ArraySlice<UInt8>, data: ArraySlice<UInt8>)
        case integer(UInt32)
    }

    /// The first value of each property, by property id (named properties are not kept).
    private(set) var values: [UInt16: Value] = [:]
    /// Whether the list ended before its count said.
    private(set) var isTruncated = false

    init(_ data: ArraySlice<UInt8>) {
        var reader = TNEFByteReader(data)
        guard let count = reader.uint32() else {
            isTruncated = true
            return
        }
        for _ in 0..<count {
            guard let tag = reader.uint32(), read(tag: tag, from: &reader) else {
                isTruncated = true
                return
            }
        }
    }

    /// `PT_MV_*`: several values of the base type.
    private static let multiValued: UInt16 = 0x1000

    /// Reads one property's name and values; false when the data ends first or the type is unknown.
    private mutating func read(tag: UInt32, from reader: inout TNEFByteReader) -> Bool {
        let type = UInt16(tag & 0xFFFF)
        let id = UInt16(tag >> 16)
        if id >= 0x8000 {
            // A named property: its GUID, then a numeric id or a UTF-16 name.
            guard reader.skip(16), let kind = reader.uint32() else { return false }
            if kind == 0 {
                guard reader.skip(4) else { return false }
            } else {
                guard let length = reader.uint32(), reader.skip(Self.padded(Int(length))) else { return false }
            }
        }
        let base = type & ~Self.multiValued
        let variable = [0x001E, 0x001F, 0x0102, 0x000D].contains(base)
        var valueCount: UInt32 = 1
        if variable || type & Self.multiValued != 0 {
            guard let count = reader.uint32() else { return false }
            valueCount = count
        }
        for index in 0..<valueCount {
            let value: Value?
            if variable {
                guard let size = reader.uint32(), let bytes = reader.bytes(Int(size)),
                    reader.skip(Self.padded(Int(size)) - Int(size))
                else { return false }
                value = Self.variableValue(base, bytes)
            } else {
                guard let size = Self.fixedSize(base), let bytes = reader.bytes(size) else { return false }
                value = base == 0x0003 ? .integer(TNEFByteReader.uint32(bytes)) : nil
            }
            if index == 0, id < 0x8000, values[id] == nil, let value { values[id] = value }
        }
        return true
    }

    private static func variableValue(_ type: UInt16, _ bytes: ArraySlice<UInt8>) -> Value? {
        switch type {
        case 0x001E: .string8(Array(bytes))
        case 0x001F: .unicode(Array(bytes))
        case 0x0102: .binary(bytes)
        default:
            bytes.count >= 16 ? .object(iid: bytes.prefix(16), data: bytes.dropFirst(16)) : nil
        }
    }

    /// Bytes a fixed-size value takes in the stream (2-byte values are padded to 4).
    private static func fixedSize(_ type: UInt16) -> Int? {
        switch type {
        case 0x0001, 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: 4
        case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: 8
        case 0x0048: 16
        default: nil
        }
    }

    static func padded(_ size: Int) -> Int { (size + 3) & ~3 }

    func string(_ id: UInt16, codepage: TNEFCodepage) -> String? {
        switch values[id] {
        case .string8(let bytes): codepage.decode(bytes)
        case .unicode(let bytes): TNEFCodepage.decodeUTF16LE(bytes)
        case .binary(let bytes): codepage.decode(Array(bytes))
        default: nil
        }
    }
}

/// Little-endian reads over a slice, each checked against its end.
struct TNEFByteReader {
    private let data: ArraySlice<UInt8>
    private(set) var offset: Int

    init(_ data: ArraySlice<UInt8>) {
        self.data = data
        offset = data.startIndex
    }

    var remaining: Int { data.endIndex - offset }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return data[offset..<offset + count]
    }

    mutating func skip(_ count: Int) -> Bool { bytes(count) != nil }

    mutating func uint8() -> UInt8? { bytes(1)?.first }

    mutating func uint16() -> UInt16? {
        bytes(2).map { UInt16($0[$0.startIndex]) | UInt16($0[$0.startIndex + 1]) << 8 }
    }

    mutating func uint32() -> UInt32? { bytes(4).map(Self.uint32) }

    static func uint32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let start = bytes.startIndex
        return UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16
            | UInt32(bytes[start + 3]) << 24
    }
}
