/// Decodes Unicode scalars straight from a `String`'s UTF-8 bytes.
///
/// The normalizers run on every inbound field. Walking `String.unicodeScalars` (or a
/// `Substring`'s) validates every index it forms, which profiling showed as most of the
/// phone normalizer's time; the bytes of a `String` are already valid UTF-8, so decoding
/// them by hand is both safe and several times faster.
enum UTF8Scalars {
    /// The scalar starting at `index` and the number of bytes it takes.
    /// - Precondition: `bytes` is valid UTF-8 and `index` is the start of a scalar.
    @inline(__always)
    static func scalar(startingAt index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (Unicode.Scalar(UInt8(truncatingIfNeeded: lead)), 1) }
        let value: UInt32
        let length: Int
        if lead < 0xE0 {
            value = (lead & 0x1F) << 6 | continuation(bytes, index + 1)
            length = 2
        } else if lead < 0xF0 {
            value = (lead & 0x0F) << 12 | continuation(bytes, index + 1) << 6 | continuation(bytes, index + 2)
            length = 3
        } else {
            value =
                (lead & 0x07) << 18 | continuation(bytes, index + 1) << 12 | continuation(bytes, index + 2) << 6
                | continuation(bytes, index + 3)
            length = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The scalar ending just before `end` and the number of bytes it takes.
    /// - Precondition: `bytes` is valid UTF-8 and `end` is the end of a scalar.
    @inline(__always)
    static func scalar(endingBefore end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int) {
        var start = end - 1
        // Continuation bytes look like 0b10xxxxxx; the scalar starts at the byte before them.
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(startingAt: start, in: bytes)
    }

    @inline(__always)
    private static func continuation(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
        UInt32(bytes[index] & 0x3F)
    }
}
