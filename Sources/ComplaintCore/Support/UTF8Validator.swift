/// Checks, chunk by chunk, that a byte stream is strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
///
/// Used while an upload is spooled, so the whole file is known to be UTF-8 (or not) before it
/// is decoded (a file that is valid in its first megabyte and GBK further down is caught), and
/// by the JSON parser for each string.
public struct UTF8Validator: Sendable {
    /// Continuation bytes still expected for the current sequence.
    private var pending = 0
    /// Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4 lead bytes).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    /// False once an invalid sequence was seen.
    public private(set) var isValid = true
    /// Whether any byte at or above 0x80 was seen (pure ASCII is UTF-8 and GB18030 alike).
    public private(set) var sawNonASCII = false

    public init() {}

    /// Checks the next chunk.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard isValid else { return }
        var index = 0
        let count = bytes.count
        while index < count {
            if pending == 0 {
                // ASCII runs dominate: skip them eight bytes at a time.
                while index + 8 <= count
                    && bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                }
                if index == count { break }
            }
            let byte = bytes[index]
            index += 1
            if pending > 0 {
                guard byte >= low && byte <= high else {
                    isValid = false
                    return
                }
                pending -= 1
                low = 0x80
                high = 0xBF
                continue
            }
            if byte < 0x80 { continue }
            sawNonASCII = true
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: (pending, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2
            case 0xED: (pending, high) = (2, 0x9F)
            case 0xF0: (pending, low) = (3, 0x90)
            case 0xF1...0xF3: pending = 3
            case 0xF4: (pending, high) = (3, 0x8F)
            default:
                isValid = false
                return
            }
        }
    }

    /// Ends the stream: a sequence cut off at the end makes it invalid.
    public mutating func finish() {
        if pending > 0 { isValid = false }
    }

    /// Whether `bytes`, taken whole, are strict UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        validator.update(bytes)
        validator.finish()
        return validator.isValid
    }
}
