/// IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3).
///
/// Servers without UTF8=ACCEPT (Dovecot by default, Exchange, NetEase, QQ Mail) refuse a mailbox
/// name with 8-bit bytes: a folder called `投诉` is `&YpWL9A-` on the wire. Staff write the name as
/// they see it in their mail client, so the configured name is encoded before it is sent.
public enum ModifiedUTF7 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// The name as the server expects it: already-encoded names (ASCII with only valid `&…-`
    /// sequences, as a mail client's settings page or a server log shows them) are kept.
    public static func wireName(_ name: String) -> String {
        isEncoded(name) ? name : encode(name)
    }

    /// Encodes every character outside printable ASCII, and `&` as `&-`.
    public static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            output.append(UInt8(ascii: "&"))
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            output += base64(bytes)
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) {
                flush()
                output += scalar == "&" ? Array("&-".utf8) : [UInt8(scalar.value)]
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `name` is printable ASCII in which every `&` opens `&-` or a shift sequence that
    /// decodes to whole UTF-16 code units.
    public static func isEncoded(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard (0x20...0x7E).contains(byte) else { return false }
            index += 1
            guard byte == UInt8(ascii: "&") else { continue }
            var count = 0
            while index < bytes.count, alphabet.contains(bytes[index]) {
                count += 1
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "-") else { return false }
            index += 1
            // `&-` is a literal `&`; otherwise the bits must make whole 16-bit units, padding < 6 bits.
            let bits = count * 6
            if count > 0 && (bits / 16 == 0 || bits % 16 >= 6) { return false }
        }
        return true
    }

    private static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<(chunk.count + 1) { output.append(alphabet[(value >> (18 - 6 * position)) & 0x3F]) }
            index += 3
        }
        return output
    }
}
