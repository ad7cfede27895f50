#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level scanning shared by the parsers: messages are bytes, not text, until a part's
/// charset is known.
enum Bytes {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// The index just past the next LF at or after `from`, or `end` when there is none.
    static func lineEnd(_ bytes: [UInt8], from: Int, to end: Int) -> Int {
        guard let newline = firstIndex(of: 0x0A, in: bytes, from: from, to: end) else { return end }
        return newline + 1
    }

    /// `lineEnd` with the line's CRLF or LF removed.
    static func trimmingLineBreak(_ bytes: [UInt8], from start: Int, to lineEnd: Int) -> Int {
        var end = lineEnd
        if end > start && bytes[end - 1] == 0x0A { end -= 1 }
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// memchr over `bytes[from..<to]`.
    static func firstIndex(of byte: UInt8, in bytes: [UInt8], from: Int, to end: Int) -> Int? {
        guard from < end else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                let found = memchr(base + from, Int32(byte), end - from)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    static func hasPrefix(_ bytes: [UInt8], _ prefix: String, at index: Int, end: Int) -> Bool {
        var position = index
        for byte in prefix.utf8 {
            guard position < end, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    /// ASCII-case-insensitive prefix test.
    static func hasPrefixIgnoringCase(_ bytes: some Collection<UInt8>, _ prefix: String) -> Bool {
        var iterator = bytes.makeIterator()
        for byte in prefix.utf8 {
            guard let next = iterator.next(), lower(next) == lower(byte) else { return false }
        }
        return true
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
