import Crypto

/// Excel's RC4 encryption of a workbook stream, the "Office 97/2000 compatible" kind
/// ([MS-OFFCRYPTO] 2.3.6, [MS-XLS] 2.2.10): each record's body is encrypted, its header is not;
/// the key stream runs over the whole stream by offset, started afresh with a new key every
/// 1,024 bytes.
///
/// Only the password Excel uses on its own is tried, "VelvetSweatshop": Excel saves some
/// workbooks that have no password to open (protected ones, such as one with only a password to
/// modify) encrypted with it, and opens them without asking. A password somebody chose is not
/// known here.
final class BIFFDecryption {
    static let builtInPassword = "VelvetSweatshop"

    /// The first 5 bytes of the password's hash with the salt, which each block's key is made from.
    private let base: [UInt8]
    private var cipher = RC4(key: [0])
    private var block = -1
    /// How many bytes of the current block's key stream have been used.
    private var used = 0

    /// The decryption a `FILEPASS` record's body describes, for `password`; nil when the file
    /// uses another kind of encryption (XOR obfuscation, CryptoAPI RC4) or another password.
    init?(filePass body: [UInt8], password: String = builtInPassword) {
        // wEncryptionType 1 (RC4), then EncryptionVersionInfo 1.1, a 16-byte salt, the encrypted
        // verifier and the encrypted MD5 of the verifier.
        guard body.count >= 54, body.uint16(at: 0) == 1, body.uint16(at: 2) == 1, body.uint16(at: 4) == 1 else {
            return nil
        }
        let salt = Array(body[6..<22])
        let unicode = password.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let truncated = Array(Insecure.MD5.hash(data: unicode)).prefix(5)
        var repeated: [UInt8] = []
        for _ in 0..<16 { repeated += truncated + salt }
        base = Array(Array(Insecure.MD5.hash(data: repeated)).prefix(5))
        var check = RC4(key: Self.key(base, block: 0))
        let verifier = Array(body[22..<38]).map { $0 ^ check.next() }
        let verifierHash = Array(body[38..<54]).map { $0 ^ check.next() }
        guard Array(Insecure.MD5.hash(data: verifier)) == verifierHash else { return nil }
    }

    /// Decrypts `body`, which lies at `offset` in the stream; its first `plain` bytes are not
    /// encrypted (a `BOUNDSHEET`'s sheet offset) but use up their key stream all the same.
    func decrypt(_ body: inout [UInt8], at offset: Int, plain: Int = 0) {
        var index = 0
        while index < body.count {
            let position = offset + index
            let (number, within) = position.quotientAndRemainder(dividingBy: Self.blockSize)
            if number != block || within < used {
                cipher = RC4(key: Self.key(base, block: number))
                block = number
                used = 0
            }
            if used < within {
                cipher.skip(within - used)
                used = within
            }
            let end = min(body.count, index + Self.blockSize - within)
            cipher.apply(to: &body, index..<end, plainBelow: plain)
            used += end - index
            index = end
        }
    }

    static let blockSize = 1024

    /// The RC4 key of block `number`: the MD5 of the base and the block's number.
    private static func key(_ base: [UInt8], block number: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: number)
        let bytes =
            base + [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        return Array(Insecure.MD5.hash(data: bytes))
    }
}
