import Crypto
import Foundation

/// The key of an Excel workbook (.xlsx) encrypted the "agile" way ([MS-OFFCRYPTO] 2.3.4.10–
/// 2.3.4.15; Office 2010 and later), for Excel's built-in password "VelvetSweatshop": Excel for
/// Mac saves a workbook whose structure is protected encrypted with it, and Excel opens such a
/// file without asking. A password somebody chose is not known here.
struct AgileEncryption: PackageCipher {
    /// The package's parameters: its segments' IVs come from their salt and hash.
    let package: AgileKeyParameters
    /// The key the package's segments are encrypted with.
    let packageKey: SymmetricKey

    /// The key `info` (the `EncryptionInfo` stream) gives for `password`; nil when it does not
    /// open with it. Throws when `info` is not agile encryption of a kind read here.
    init?(info: [UInt8], password: String) throws(WorkbookError) {
        // Version 4.4, reserved 0x40, then the XML descriptor.
        guard info.count > 8, info.uint16(at: 0) == 4, info.uint16(at: 2) == 4 else {
            throw .savedWithPassword
        }
        var descriptor = Descriptor()
        var scanner = XMLScanner()
        try Array(info[8...]).withUnsafeBufferPointer { bytes throws(WorkbookError) in
            try scanner.feed(UnsafeRawBufferPointer(bytes), into: &descriptor)
        }
        try scanner.finish()
        guard let package = descriptor.package else { throw .damaged("its encryption descriptor is incomplete") }
        // Without a password key encryptor it is encrypted for a certificate.
        guard let key = descriptor.passwordKey else { throw .savedWithPassword }
        self.package = package
        let parameters = key.parameters
        let hashed = Self.passwordHash(password, parameters, spinCount: key.spinCount)
        func decrypt(_ encrypted: [UInt8], block: [UInt8]) -> [UInt8]? {
            let key = AgileKeyParameters.fit(parameters.hash.digest(hashed + block), parameters.keyBytes)
            return try? OfficeCrypto.decryptCBC(
                encrypted, key: SymmetricKey(data: key), iv: AgileKeyParameters.fit(parameters.salt, 16))
        }
        guard let input = decrypt(key.verifierInput, block: Self.verifierInputBlock),
            let value = decrypt(key.verifierValue, block: Self.verifierValueBlock),
            input.count >= parameters.salt.count, value.count >= parameters.hashSize,
            parameters.hash.digest(Array(input.prefix(parameters.salt.count)))
                == Array(value.prefix(parameters.hashSize))
        else { return nil }
        guard let secret = decrypt(key.keyValue, block: Self.keyValueBlock), secret.count >= package.keyBytes else {
            throw .damaged("its encrypted key is cut short")
        }
        packageKey = SymmetricKey(data: secret.prefix(package.keyBytes))
    }

    func decryptSegment(_ encrypted: [UInt8], number: Int) throws(WorkbookError) -> [UInt8] {
        let iv = package.hash.digest(package.salt + UInt32(truncatingIfNeeded: number).littleEndianBytes)
        return try OfficeCrypto.decryptCBC(
            encrypted, key: packageKey, iv: AgileKeyParameters.fit(iv, package.blockSize))
    }

    /// The hash the password's keys come from: the salted hash, hashed again `spinCount` times
    /// with the round's number in front.
    private static func passwordHash(_ password: String, _ key: AgileKeyParameters, spinCount: Int) -> [UInt8] {
        var hashed = key.hash.digest(key.salt + OfficeCrypto.passwordBytes(password))
        var round = [UInt8](repeating: 0, count: 4 + hashed.count)
        for number in 0..<UInt32(spinCount) {
            round.replaceSubrange(0..<4, with: number.littleEndianBytes)
            round.replaceSubrange(4..., with: hashed)
            hashed = key.hash.digest(round)
        }
        return hashed
    }

    // The block keys of [MS-OFFCRYPTO] 2.3.4.13 that tell the password's three keys apart.
    private static let verifierInputBlock: [UInt8] = [0xFE, 0xA7, 0xD2, 0x76, 0x3B, 0x4B, 0x9E, 0x79]
    private static let verifierValueBlock: [UInt8] = [0xD7, 0xAA, 0x0F, 0x6D, 0x30, 0x61, 0x34, 0x4E]
    private static let keyValueBlock: [UInt8] = [0x14, 0x6E, 0x0B, 0xE7, 0xAB, 0xAC, 0xD0, 0xD6]

    /// The password key encryptor of the descriptor.
    struct PasswordKey {
        let parameters: AgileKeyParameters
        let spinCount: Int
        let verifierInput: [UInt8]
        let verifierValue: [UInt8]
        let keyValue: [UInt8]
    }

    /// What the descriptor's XML says: `keyData`, and the `encryptedKey` that has a spin count
    /// (a certificate's key encryptor has none).
    private struct Descriptor: XMLScannerHandler {
        var package: AgileKeyParameters?
        var passwordKey: PasswordKey?
        static let maxSpinCount = 1_000_000

        mutating func start(_ tag: XMLTag) throws(WorkbookError) {
            if tag.is("keyData") {
                package = try AgileKeyParameters(tag)
            } else if tag.is("encryptedKey"), passwordKey == nil,
                let spinCount = tag.attribute("spinCount").flatMap({ Int($0) })
            {
                func bytes(_ value: String?) throws(WorkbookError) -> [UInt8] {
                    guard let value, let data = Data(base64Encoded: value) else {
                        throw .damaged("its encryption descriptor's password key is incomplete")
                    }
                    return Array(data)
                }
                // Office writes 100,000; the spec allows 10,000,000, seconds of work for each upload.
                guard (0...Self.maxSpinCount).contains(spinCount) else {
                    throw .damaged("its encryption descriptor asks for \(spinCount) rounds of hashing")
                }
                passwordKey = PasswordKey(
                    parameters: try AgileKeyParameters(tag), spinCount: spinCount,
                    verifierInput: try bytes(tag.attribute("encryptedVerifierHashInput")),
                    verifierValue: try bytes(tag.attribute("encryptedVerifierHashValue")),
                    keyValue: try bytes(tag.attribute("encryptedKeyValue")))
            }
        }

        mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {}
        mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}
    }
}
