import Crypto
import _CryptoExtras

/// What every Office encryption scheme read here shares.
enum OfficeCrypto {
    /// The password as the schemes hash it: UTF-16, least significant byte first.
    static func passwordBytes(_ password: String) -> [UInt8] {
        password.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// AES-CBC decryption of whole 16-byte blocks, without padding; anything else is a package
    /// or key cut short.
    static func decryptCBC(_ encrypted: [UInt8], key: SymmetricKey, iv: [UInt8]) throws(WorkbookError) -> [UInt8] {
        do {
            return Array(try AES._CBC.decrypt(encrypted, using: key, iv: .init(ivBytes: iv), noPadding: true))
        } catch {
            throw .damaged("its encrypted contents are cut short")
        }
    }
}
