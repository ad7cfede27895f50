/// The whitespace the normalizers trim from the ends of text.
///
/// This is Unicode White_Space rather than ASCII space because complaint text arrives from
/// Chinese IMEs and spreadsheets, which pad with U+3000 IDEOGRAPHIC SPACE and U+00A0 NBSP.
enum TrimmableWhitespace {
    /// Whether `scalar` is White_Space: space, tab, line breaks, NBSP, U+3000 and the like.
    @inline(__always)
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        // ASCII first: the property lookup is slower and almost all input is ASCII.
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        // No White_Space scalar lies above U+3000: CJK text skips the property lookup.
        if scalar.value > 0x3000 { return false }
        return scalar.properties.isWhitespace
    }

    /// The byte range of `bytes` (valid UTF-8) without leading and trailing whitespace.
    static func trimmedRange(of bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        while start < bytes.count {
            let (scalar, length) = UTF8Scalars.scalar(startingAt: start, in: bytes)
            guard contains(scalar) else { break }
            start += length
        }
        var end = bytes.count
        while end > start {
            let (scalar, length) = UTF8Scalars.scalar(endingBefore: end, in: bytes)
            guard contains(scalar) else { break }
            end -= length
        }
        return start..<end
    }
}
