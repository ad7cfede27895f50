/// The digits and markers read from one raw phone field, before any numbering-plan rule.
///
/// Scanning is separate from the rules so the rules see plain ASCII digits whatever the
/// input looked like: full-width digits from Chinese IMEs, `＋`, dashes, dots, parentheses
/// and the various spaces people and spreadsheets put between digit groups.
struct PhoneScan {
    /// How many digits were written to the buffer.
    private(set) var digitCount = 0
    /// Whether the number began with `+` or `＋`.
    private(set) var hasPlus = false
    /// Digits before an explicit extension marker (`转`, `分机`, `ext`, `x`), if there was one.
    private(set) var explicitExtensionStart: Int?
    /// Digits before the last dash (or opening parenthesis after digits), when digits follow it:
    /// that group may be an extension.
    private(set) var lastDashDigitCount: Int?

    /// Reads `text` (valid UTF-8, already trimmed) as ASCII digits into `digits`.
    ///
    /// Returns nil if the text holds anything but digits, separators, one leading plus and
    /// one extension marker (a colon may follow it: `分机：66`), or more digits than `digits`
    /// holds. A letter `E` is only read as the start of `ext`, which is also what rejects
    /// Excel's `1.38123E+10`.
    init?(_ text: UnsafeBufferPointer<UInt8>, digits: UnsafeMutableBufferPointer<UInt8>) {
        var index = 0
        var lastDash: Int?
        while index < text.count {
            let (scalar, length) = UTF8Scalars.scalar(startingAt: index, in: text)
            index += length
            switch scalar.value {
            case 0x30...0x39:
                guard append(UInt8(truncatingIfNeeded: scalar.value), to: digits) else { return nil }
            case 0xFF10...0xFF19:  // FULLWIDTH DIGIT ZERO…NINE
                guard append(UInt8(truncatingIfNeeded: scalar.value - 0xFF10 + 0x30), to: digits) else {
                    return nil
                }
            case 0x2B, 0xFF0B:  // + ＋
                guard digitCount == 0, !hasPlus else { return nil }
                hasPlus = true
            case 0x2D, 0x2010...0x2015, 0x2212, 0xFF0D:  // hyphen-minus, Unicode dashes, minus, －
                // Dashes after an explicit marker only separate extension digits.
                if explicitExtensionStart == nil { lastDash = digitCount }
            case 0x28, 0xFF08:  // ( （: after digits, may open an extension, `0571-87654321(8001)`
                if explicitExtensionStart == nil && digitCount > 0 { lastDash = digitCount }
            case 0x8F6C, 0x78, 0x58:  // 转 x X
                guard startExtension() else { return nil }
            case 0x5206:  // 分, valid only as the start of 分机
                guard index + 3 <= text.count, UTF8Scalars.scalar(startingAt: index, in: text).0 == "机",
                    startExtension()
                else { return nil }
                index += 3
            case 0x3A, 0xFF1A:  // : ：, valid only right after an extension marker
                guard explicitExtensionStart == digitCount else { return nil }
            case 0x65, 0x45:  // e E, valid only as the start of "ext"
                guard index + 2 <= text.count, text[index] | 0x20 == UInt8(ascii: "x"),
                    text[index + 1] | 0x20 == UInt8(ascii: "t"), startExtension()
                else { return nil }
                index += 2
            default:
                guard Self.isSeparator(scalar) else { return nil }
            }
        }
        if let lastDash, lastDash > 0, lastDash < digitCount { lastDashDigitCount = lastDash }
    }

    /// Appends one ASCII digit; false when the buffer is full.
    private mutating func append(_ digit: UInt8, to digits: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard digitCount < digits.count else { return false }
        digits[digitCount] = digit
        digitCount += 1
        return true
    }

    /// Records an extension marker; false if it is a second one or no number precedes it.
    private mutating func startExtension() -> Bool {
        guard explicitExtensionStart == nil, digitCount > 0 else { return false }
        explicitExtensionStart = digitCount
        return true
    }

    /// Characters that only group digits: dots, parentheses (ASCII and full-width), and any
    /// Unicode space, NBSP and U+3000 included.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E, 0x28, 0x29, 0xFF08, 0xFF09, 0xFF0E: return true  // . ( ) （ ） ．
        default: return TrimmableWhitespace.contains(scalar)
        }
    }
}
