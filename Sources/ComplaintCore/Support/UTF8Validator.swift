/// Checks, chunk by chunk, that a byte stream is strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
///
/// Used while an upload is spooled, so the whole file is known to be UTF-8 (or not) before it
/// is decoded (a file that is valid in its first megabyte and GBK further down is caught), and
/// by the JSON parser for each string.
///
/// It also tells UTF-8 with a little damage from text in another charset (``isDamagedUTF8``): a
/// text cut short in the middle of a character (a size limit, a line cut at 998 bytes), or with a
/// byte lost or changed in transit, is no longer valid UTF-8, and a strict decoder in another
/// charset then usually accepts it (GB18030 reads almost any byte string), so the whole text came
/// out as mojibake for one bad byte. Text in a legacy charset is never that close to UTF-8: of
/// 150,000 random runs of 2 to 80 GBK, Big5 and Shift_JIS characters none had nine tenths of its
/// non-ASCII bytes in valid UTF-8 sequences while also being invalid UTF-8.
public struct UTF8Validator: Sendable {
    /// Continuation bytes still expected for the current sequence.
    private var pending = 0
    /// Bytes of the current sequence read so far (its lead byte included).
    private var taken = 0
    /// Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4 lead bytes).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    /// Well-formed multi-byte sequences seen, and their bytes.
    private var sequences = 0
    private var inSequences = 0
    /// Bytes outside any well-formed sequence.
    private var stray = 0
    /// False once an invalid sequence was seen.
    public private(set) var isValid = true
    /// Whether any byte at or above 0x80 was seen (pure ASCII is UTF-8 and GB18030 alike).
    public private(set) var sawNonASCII = false

    public init() {}

    /// Invalid, but at least four well-formed multi-byte sequences hold at least nine tenths of the
    /// non-ASCII bytes: UTF-8 with a little damage, best read as UTF-8 with U+FFFD for the damage.
    public var isDamagedUTF8: Bool { !isValid && sequences >= 4 && stray * 10 <= inSequences + stray }

    /// Whether the bytes are best read as UTF-8: valid, or with a little damage (``isDamagedUTF8``).
    /// Call after ``finish()``.
    public var readsAsUTF8: Bool { isValid || isDamagedUTF8 }

    /// Whether the bytes so far may still be UTF-8, valid or with a little damage. Once they
    /// cannot, ``update(_:)`` stops reading (text in another charset costs no full scan).
    public var mayBeUTF8: Bool { isValid || stray < 16 || stray * 10 <= inSequences + stray }

    /// Checks the next chunk.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard mayBeUTF8 else { return }
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
            if pending > 0 {
                guard byte >= low && byte <= high else {
                    // The sequence broke off: its bytes are damage, and this byte starts afresh.
                    damage(taken)
                    if !mayBeUTF8 { return }
                    continue
                }
                index += 1
                pending -= 1
                taken += 1
                low = 0x80
                high = 0xBF
                if pending == 0 {
                    sequences += 1
                    inSequences += taken
                }
                continue
            }
            index += 1
            if byte < 0x80 { continue }
            sawNonASCII = true
            taken = 1
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: (pending, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2
            case 0xED: (pending, high) = (2, 0x9F)
            case 0xF0: (pending, low) = (3, 0x90)
            case 0xF1...0xF3: pending = 3
            case 0xF4: (pending, high) = (3, 0x8F)
            default:
                damage(1)
                if !mayBeUTF8 { return }
            }
        }
    }

    /// Ends the stream: a sequence cut off at the end makes it invalid.
    public mutating func finish() {
        if pending > 0 { damage(taken) }
    }

    private mutating func damage(_ bytes: Int) {
        isValid = false
        stray += bytes
        pending = 0
        taken = 0
        low = 0x80
        high = 0xBF
    }

    /// Whether `bytes`, taken whole, are strict UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        checked(bytes).isValid
    }

    /// `bytes`, taken whole, run through a validator (``isValid``, ``isDamagedUTF8``).
    public static func checked(_ bytes: UnsafeRawBufferPointer) -> UTF8Validator {
        var validator = UTF8Validator()
        validator.update(bytes)
        validator.finish()
        return validator
    }
}
