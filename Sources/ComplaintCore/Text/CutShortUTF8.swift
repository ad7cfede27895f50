/// UTF-8 whose only damage is characters cut short: a sequence that stops after its lead byte
/// (or after some of its continuation bytes) at the end of the text or before an ASCII byte.
///
/// That is what a size limit does to UTF-8 (a web form or an SMS-to-mail relay cutting at a byte
/// count, a quoted-printable line ending in `=E6`): a short text cut that way has too few
/// characters for ``UTF8Validator/isDamagedUTF8`` to call it UTF-8, and GB18030 then reads the
/// whole text as mojibake. It is only trusted under an explicit UTF-8 label, and only with more
/// whole multi-byte characters than cut ones.
enum CutShortUTF8 {
    /// Whether `bytes` are UTF-8 but for one or two characters cut short, with at least as many
    /// whole multi-byte characters.
    static func matches(_ bytes: [UInt8]) -> Bool {
        var whole = 0
        var cut = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let (length, low, high): (Int, UInt8, UInt8) =
                switch lead {
                case 0xC2...0xDF: (2, 0x80, 0xBF)
                case 0xE0: (3, 0xA0, 0xBF)
                case 0xED: (3, 0x80, 0x9F)
                case 0xE1...0xEF: (3, 0x80, 0xBF)
                case 0xF0: (4, 0x90, 0xBF)
                case 0xF4: (4, 0x80, 0x8F)
                case 0xF1...0xF3: (4, 0x80, 0xBF)
                default: (0, 0, 0)
                }
            guard length > 0 else { return false }
            var taken = 1
            while taken < length, index + taken < bytes.count {
                let byte = bytes[index + taken]
                let allowed = taken == 1 ? (low...high) : (0x80...0xBF)
                guard allowed.contains(byte) else { break }
                taken += 1
            }
            if taken == length {
                whole += 1
            } else {
                // Cut short: what follows must be the end or ASCII, not another charset's byte.
                guard index + taken == bytes.count || bytes[index + taken] < 0x80 else { return false }
                cut += 1
            }
            index += taken
        }
        return cut > 0 && cut <= 2 && whole >= cut
    }
}
