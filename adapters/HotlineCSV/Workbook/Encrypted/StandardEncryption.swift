import Crypto
import Foundation

/// The key of an Excel workbook (.xlsx) encrypted the "standard" way ([MS-OFFCRYPTO] 2.3.4.5–
/// 2.3.4.9; Excel 2007): AES-128, -192 or -256 in ECB mode over the whole package, the key from
/// the password's SHA-1 hashed 50,000 times. Tried, like the agile kind, with Excel's built-in
/// password only.
struct StandardEncryption: PackageCipher {
    private let key: SymmetricKey

    /// The key `info` (the `EncryptionInfo` stream) gives for `password`; nil when it does not
    /// open with it. Throws when `info` names another cipher or hash, or is cut short.
    init?(info: [UInt8], password: String) throws(WorkbookError) {
        // Version, flags (fCryptoAPI and fAES), the header's size, the header (flags, size extra,
        // AlgID, AlgIDHash, KeySize, provider, reserved, the provider's name), then the verifier:
        // salt size, salt, encrypted verifier, hash size, encrypted hash (padded to 32 bytes).
        guard info.count >= 12, info.uint32(at: 4) & 0x24 == 0x24 else { throw .savedWithPassword }
        let header = 12
        let verifier = header + info.uint32(at: 8)
        guard info.uint32(at: 8) >= 20, info.count >= verifier + 4 + 16 + 16 + 4 + 32,
            info.uint32(at: verifier) == 16, info.uint32(at: verifier + 36) == 20
        else { throw .damaged("its encryption descriptor is cut short") }
        let keyBits = info.uint32(at: header + 16)
        let algorithms = [0x660E: 128, 0x660F: 192, 0x6610: 256]
        guard algorithms[info.uint32(at: header + 8)] == keyBits || info.uint32(at: header + 8) == 0 && keyBits == 128,
            [0, 0x8004].contains(info.uint32(at: header + 12))
        else { throw .savedWithPassword }
        let salt = Array(info[(verifier + 4)..<(verifier + 20)])
        key = SymmetricKey(data: Self.derive(password, salt: salt, keyBytes: keyBits / 8))
        guard let clear = try? Self.decryptECB(Array(info[(verifier + 20)..<(verifier + 36)]), key: key),
            let hash = try? Self.decryptECB(Array(info[(verifier + 40)..<(verifier + 72)]), key: key),
            Array(Insecure.SHA1.hash(data: clear)) == Array(hash.prefix(20))
        else { return nil }
    }

    func decryptSegment(_ encrypted: [UInt8], number: Int) throws(WorkbookError) -> [UInt8] {
        try Self.decryptECB(encrypted, key: key)
    }

    /// [MS-OFFCRYPTO] 2.3.4.7: the salted hash hashed 50,000 times, then with block 0, then
    /// stretched through two more hashes (CryptoAPI's CryptDeriveKey) to the key's length.
    private static func derive(_ password: String, salt: [UInt8], keyBytes: Int) -> [UInt8] {
        var hashed = Array(Insecure.SHA1.hash(data: salt + OfficeCrypto.passwordBytes(password)))
        for number in 0..<UInt32(50_000) {
            hashed = Array(Insecure.SHA1.hash(data: number.littleEndianBytes + hashed))
        }
        let final =
            Array(Insecure.SHA1.hash(data: hashed + UInt32(0).littleEndianBytes)) + Array(repeating: 0, count: 44)
        let inner = Array(Insecure.SHA1.hash(data: final.map { $0 ^ 0x36 }))
        let outer = Array(Insecure.SHA1.hash(data: final.map { $0 ^ 0x5C }))
        return Array((inner + outer).prefix(keyBytes))
    }

    /// ECB by way of CBC with a zero IV: each block's CBC result is its ECB result XORed with
    /// the ciphertext block before it, which is put back.
    private static func decryptECB(_ encrypted: [UInt8], key: SymmetricKey) throws(WorkbookError) -> [UInt8] {
        var plain = try OfficeCrypto.decryptCBC(encrypted, key: key, iv: [UInt8](repeating: 0, count: 16))
        for index in 16..<max(plain.count, 16) { plain[index] ^= encrypted[index - 16] }
        return plain
    }
}
