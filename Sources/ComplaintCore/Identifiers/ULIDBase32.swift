/// Crockford base32 encoding and decoding of ``ULID`` values.
///
/// Ids are formatted for every stored and logged record, so both directions work on raw
/// bytes: encoding fills one 26-byte string buffer, decoding reads the UTF-8 bytes in place.
enum ULIDBase32 {
    /// Characters in a ULID string.
    static let length = 26

    /// The 32 symbols, in ascending ASCII order so string order matches numeric order.
    private static let alphabet: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    /// Encodes as 10 timestamp characters (50 bits, the top 2 always zero) and
    /// 16 random characters, written as two 40-bit halves of 8 characters each.
    static func encode(_ id: ULID) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            alphabet.withUTF8Buffer { symbols in
                let timestamp = id.high >> 16
                let randomTop = (id.high & 0xFFFF) << 24 | id.low >> 40
                let randomBottom = id.low & 0xFF_FFFF_FFFF
                write(timestamp, symbols: symbols, into: buffer, from: 0, count: 10)
                write(randomTop, symbols: symbols, into: buffer, from: 10, count: 8)
                write(randomBottom, symbols: symbols, into: buffer, from: 18, count: 8)
            }
            return length
        }
    }

    /// Writes the low `5 * count` bits of `value`, most significant symbol first.
    @inline(__always)
    private static func write(
        _ value: UInt64,
        symbols: UnsafeBufferPointer<UInt8>,
        into buffer: UnsafeMutableBufferPointer<UInt8>,
        from start: Int,
        count: Int
    ) {
        var remaining = value
        var index = start + count - 1
        while index >= start {
            buffer[index] = symbols[Int(remaining & 31)]
            remaining >>= 5
            index -= 1
        }
    }

    /// Decodes 26 symbols, or returns nil if the text is not a ULID.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> ULID? {
        guard bytes.count == length else { return nil }
        return decodeTable.withUnsafeBufferPointer { table in
            // Invalid symbols map to 0xFF; OR-ing every value and checking once at the end
            // keeps the loops free of branches.
            var invalid: UInt8 = 0
            let timestamp = read(bytes, from: 0, count: 10, table: table, invalid: &invalid)
            let randomTop = read(bytes, from: 10, count: 8, table: table, invalid: &invalid)
            let randomBottom = read(bytes, from: 18, count: 8, table: table, invalid: &invalid)
            // 26 symbols carry 130 bits; the top two must be zero for the value to fit in 128.
            guard invalid & 0xE0 == 0, timestamp <= ULID.maxTimestamp else { return nil }
            return ULID(
                high: timestamp << 16 | randomTop >> 24,
                low: (randomTop & 0xFF_FFFF) << 40 | randomBottom
            )
        }
    }

    /// Reads `count` symbols (at most 12) as one number, OR-ing their values into `invalid`.
    @inline(__always)
    private static func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        count: Int,
        table: UnsafeBufferPointer<UInt8>,
        invalid: inout UInt8
    ) -> UInt64 {
        var result: UInt64 = 0
        for index in start..<(start + count) {
            let value = table[Int(bytes[index])]
            invalid |= value
            result = result << 5 | UInt64(value & 31)
        }
        return result
    }

    /// Symbol values by byte, in either case; 0xFF for bytes outside the alphabet,
    /// including `I`, `L`, `O` and `U`.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        alphabet.withUTF8Buffer { symbols in
            for (value, symbol) in symbols.enumerated() {
                table[Int(symbol)] = UInt8(value)
                table[Int(symbol | 0x20)] = UInt8(value)  // lowercase; digits are unchanged by it
            }
        }
        return table
    }()
}
