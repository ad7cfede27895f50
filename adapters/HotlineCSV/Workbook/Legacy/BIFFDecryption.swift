import Crypto

/// Excel's RC4 encryption of a workbook stream ([MS-OFFCRYPTO] 2.3.6 and 2.3.5, [MS-XLS]
/// 2.2.10): each record's body is encrypted, its header is not; the key stream runs over the
/// whole stream by offset, started afresh with a new key every 1,024 bytes. The key comes in one
/// of two ways: the "Office 97/2000 compatible" one (MD5, 40 bits; LibreOffice writes it) or the
/// CryptoAPI one (SHA-1, up to 128 bits; what Excel 2002 and later write by default).
///
/// Only the password Excel uses on its own is tried, "VelvetSweatshop": Excel saves some
/// workbooks that have no password to open (protected ones, such as one with only a password to
/// modify) encrypted with it, and opens them without asking. A password somebody chose is not
/// known here.
final class BIFFDecryption {
    static let builtInPassword = "VelvetSweatshop"

    private let keys: BIFFEncryptionKeys
    private var cipher = RC4(key: [0])
    private var block = -1
    /// How many bytes of the current block's key stream have been used.
    private var used = 0

    /// The decryption a `FILEPASS` record's body describes, for `password`; nil when the file
    /// uses another kind of encryption (XOR obfuscation) or another password.
    init?(filePass body: [UInt8], password: String = builtInPassword) {
        // wEncryptionType 1 is RC4; then the version: 1.1 for the MD5 key, 2.2, 3.2 or 4.2 for
        // the CryptoAPI one.
        guard body.count >= 6, body.uint16(at: 0) == 1 else { return nil }
        let unicode = OfficeCrypto.passwordBytes(password)
        let verifier: ArraySlice<UInt8>
        let verifierHash: ArraySlice<UInt8>
        switch (body.uint16(at: 2), body.uint16(at: 4)) {
        case (1, 1):
            // A 16-byte salt, the encrypted verifier and its encrypted MD5.
            guard body.count >= 54 else { return nil }
            keys = .md5(password: unicode, salt: Array(body[6..<22]))
            (verifier, verifierHash) = (body[22..<38], body[38..<54])
        case (2...4, 2):
            guard let found = BIFFEncryptionKeys.cryptoAPI(filePass: body, password: unicode) else { return nil }
            keys = found.keys
            (verifier, verifierHash) = (found.verifier, found.verifierHash)
        default:
            return nil
        }
        // The verifier and its hash are one run of block 0's key stream.
        var check = RC4(key: keys.key(block: 0))
        let clear = verifier.map { $0 ^ check.next() }
        let hash = verifierHash.map { $0 ^ check.next() }
        guard keys.hash(clear) == hash else { return nil }
    }

    /// Decrypts `body`, which lies at `offset` in the stream; its first `plain` bytes are not
    /// encrypted (a `BOUNDSHEET`'s sheet offset) but use up their key stream all the same.
    func decrypt(_ body: inout [UInt8], at offset: Int, plain: Int = 0) {
        var index = 0
        while index < body.count {
            let position = offset + index
            let (number, within) = position.quotientAndRemainder(dividingBy: Self.blockSize)
            if number != block || within < used {
                cipher = RC4(key: keys.key(block: number))
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
}
