import Crypto

/// How each 1,024-byte block's RC4 key of an encrypted `.xls` is made from the password.
enum BIFFEncryptionKeys {
    /// Office 97/2000 ([MS-OFFCRYPTO] 2.3.6.2): the first 5 bytes of an MD5 over the password's
    /// hash and the salt; each block's key is the MD5 of those and the block's number.
    case md5(base: [UInt8])
    /// CryptoAPI ([MS-OFFCRYPTO] 2.3.5.2): the SHA-1 of the salt and the password; each block's
    /// key is the first `keyBytes` of the SHA-1 of that and the block's number. A 40-bit key is
    /// used as a 128-bit one whose last 11 bytes are zero, as CryptoAPI itself does.
    case cryptoAPI(base: [UInt8], keyBytes: Int)

    static func md5(password: [UInt8], salt: [UInt8]) -> Self {
        let truncated = Array(Insecure.MD5.hash(data: password)).prefix(5)
        var repeated: [UInt8] = []
        for _ in 0..<16 { repeated += truncated + salt }
        return .md5(base: Array(Array(Insecure.MD5.hash(data: repeated)).prefix(5)))
    }

    /// The keys an RC4 CryptoAPI `FILEPASS` body describes, with its encrypted verifier and
    /// verifier hash; nil when it names another cipher or hash, or is cut short.
    static func cryptoAPI(
        filePass body: [UInt8], password: [UInt8]
    ) -> (keys: Self, verifier: ArraySlice<UInt8>, verifierHash: ArraySlice<UInt8>)? {
        // After the type and version: flags, the header's size, the header (flags, size extra,
        // AlgID, AlgIDHash, KeySize, provider type, reserved, the provider's name), then the
        // verifier: salt size, salt, encrypted verifier, hash size, encrypted hash.
        guard body.count >= 14 else { return nil }
        let headerSize = body.uint32(at: 10)
        let header = 14
        let verifier = header + headerSize
        guard headerSize >= 20, body.count >= verifier + 4 else { return nil }
        let algorithm = body.uint32(at: header + 8)
        let hashAlgorithm = body.uint32(at: header + 12)
        // AlgID 0x6801 is RC4 and AlgIDHash 0x8004 SHA-1; 0 means the same here.
        guard algorithm == 0x6801 || algorithm == 0, hashAlgorithm == 0x8004 || hashAlgorithm == 0 else {
            return nil
        }
        let keyBits = body.uint32(at: header + 16) == 0 ? 40 : body.uint32(at: header + 16)
        let saltSize = body.uint32(at: verifier)
        guard (40...128).contains(keyBits), keyBits % 8 == 0, saltSize == 16 else { return nil }
        let hashAt = verifier + 4 + saltSize + 16
        guard body.count >= hashAt + 4 + 20, body.uint32(at: hashAt) == 20 else { return nil }
        let salt = Array(body[(verifier + 4)..<(verifier + 20)])
        let keys = Self.cryptoAPI(base: Array(Insecure.SHA1.hash(data: salt + password)), keyBytes: keyBits / 8)
        return (keys, body[(verifier + 20)..<(verifier + 36)], body[(hashAt + 4)..<(hashAt + 24)])
    }

    /// The RC4 key of block `number`.
    func key(block number: Int) -> [UInt8] {
        let suffix = UInt32(truncatingIfNeeded: number).littleEndianBytes
        switch self {
        case .md5(let base):
            return Array(Insecure.MD5.hash(data: base + suffix))
        case .cryptoAPI(let base, let keyBytes):
            let final = Array(Insecure.SHA1.hash(data: base + suffix)).prefix(keyBytes)
            return keyBytes == 5 ? final + Array(repeating: 0, count: 11) : Array(final)
        }
    }

    /// The hash the encrypted verifier's hash is of.
    func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .md5: return Array(Insecure.MD5.hash(data: bytes))
        case .cryptoAPI: return Array(Insecure.SHA1.hash(data: bytes))
        }
    }
}
