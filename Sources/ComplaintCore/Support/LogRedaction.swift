/// Masks personal data before it reaches a log line: phone numbers, email addresses, message text.
///
/// Logs travel further than the database (log shippers, support tickets, screenshots), so
/// nothing above `.debug` carries a complainant's number, address or words in clear. Masked
/// values keep just enough to match a call or a sender when a citizen asks about their complaint
/// (`+86138****5678`, `z***@example.com`); message text is only ever counted.
public enum LogRedaction {
    /// `+8613812345678` → `+86138****5678`, `13812345678` → `138****5678`: at least four digits
    /// always hidden, the last four (or two, for short numbers) kept.
    public static func phone(_ phone: String) -> String {
        let characters = Array(phone)
        let count = characters.count
        guard count >= 5 else { return "****" }
        let suffix = count >= 11 ? 4 : min(2, count - 4)
        let prefix = max(0, min(6, count - suffix - 4))
        return String(characters.prefix(prefix)) + "****" + String(characters.suffix(suffix))
    }

    /// `zhang.san@example.com` → `z***@example.com`: the domain stays (it routes), the mailbox goes.
    public static func email(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + String(address[at...])
    }

    /// Message text is never logged, only its length: `[42 chars]`.
    public static func text(_ text: String) -> String { "[\(text.count) chars]" }

    /// Free text (an error message, a provider's reason) with every email address and every phone-like
    /// run of digits masked, for values whose content the gateway does not control.
    ///
    /// A phone-like run is seven or more ASCII digits, optionally after `+`, not part of a longer
    /// word (so ids such as `cmp_01JD8…` stay readable).
    public static func scrub(_ text: String) -> String {
        maskPhones(maskEmails(text))
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }

    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        isWordByte(byte) || byte == 0x2E || byte == 0x25 || byte == 0x2B || byte == 0x2D
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        isWordByte(byte) || byte == 0x2E || byte == 0x2D
    }

    private static func maskEmails(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(0x40) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == 0x40 else {
                index += 1
                continue
            }
            var start = index
            while start > copied, isLocalPartByte(bytes[start - 1]) { start -= 1 }
            var end = index + 1
            while end < bytes.count, isDomainByte(bytes[end]) { end += 1 }
            while end > index + 1, bytes[end - 1] == 0x2E { end -= 1 }
            let domain = bytes[(index + 1)..<end]
            if start < index, domain.contains(0x2E) {
                output += bytes[copied..<start]
                output.append(bytes[start])
                output += Array("***@".utf8)
                output += domain
                copied = end
            }
            index = end
        }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    private static func maskPhones(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let startsRun =
                (0x30...0x39).contains(bytes[index])
                || (bytes[index] == 0x2B && index + 1 < bytes.count && (0x30...0x39).contains(bytes[index + 1]))
            guard startsRun, index == 0 || !isWordByte(bytes[index - 1]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
            let digits = end - index - (bytes[index] == 0x2B ? 1 : 0)
            if digits >= 7, end == bytes.count || !isWordByte(bytes[end]) {
                output += Array(phone(String(decoding: bytes[index..<end], as: UTF8.self)).utf8)
            } else {
                output += bytes[index..<end]
            }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }
}
