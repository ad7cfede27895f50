import Crypto
import Foundation

/// One set of key parameters of an agile encryption descriptor ([MS-OFFCRYPTO] 2.3.4.10): the
/// package's (`keyData`) or the password key encryptor's (`encryptedKey`). Only what Office
/// writes is taken: AES in CBC mode with a SHA-1 or SHA-2 hash.
struct AgileKeyParameters {
    let salt: [UInt8]
    let blockSize: Int
    let keyBytes: Int
    let hashSize: Int
    let hash: Hash

    enum Hash {
        case sha1, sha256, sha384, sha512

        init?(_ name: String) {
            switch name.uppercased().replacingOccurrences(of: "-", with: "") {
            case "SHA1": self = .sha1
            case "SHA256": self = .sha256
            case "SHA384": self = .sha384
            case "SHA512": self = .sha512
            default: return nil
            }
        }

        func digest(_ bytes: [UInt8]) -> [UInt8] {
            switch self {
            case .sha1: Array(Insecure.SHA1.hash(data: bytes))
            case .sha256: Array(SHA256.hash(data: bytes))
            case .sha384: Array(SHA384.hash(data: bytes))
            case .sha512: Array(SHA512.hash(data: bytes))
            }
        }
    }

    /// The parameters `tag` holds; a cipher, mode or hash of another kind is refused.
    init(_ tag: XMLTag) throws(WorkbookError) {
        guard tag.attribute("cipherAlgorithm") == "AES", tag.attribute("cipherChaining") == "ChainingModeCBC",
            let hash = tag.attribute("hashAlgorithm").flatMap(Hash.init),
            let salt = tag.attribute("saltValue").flatMap({ Data(base64Encoded: $0) }), !salt.isEmpty,
            let blockSize = tag.attribute("blockSize").flatMap({ Int($0) }), blockSize == 16,
            let keyBits = tag.attribute("keyBits").flatMap({ Int($0) }), [128, 192, 256].contains(keyBits),
            let hashSize = tag.attribute("hashSize").flatMap({ Int($0) }), (20...64).contains(hashSize)
        else { throw .savedWithPassword }
        self.salt = Array(salt)
        self.blockSize = blockSize
        keyBytes = keyBits / 8
        self.hashSize = hashSize
        self.hash = hash
    }

    /// `bytes` made `count` long as the spec makes keys and IVs: cut, or padded with 0x36.
    static func fit(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
        bytes.count >= count ? Array(bytes.prefix(count)) : bytes + Array(repeating: 0x36, count: count - bytes.count)
    }
}
