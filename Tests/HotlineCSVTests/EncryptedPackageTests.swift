import Foundation
import Glibc
import Testing

@testable import HotlineCSVAdapter

/// Excel workbooks (.xlsx) encrypted the "agile" way, beyond the fixtures read whole in
/// `OtherWritersWorkbookTests`: descriptors asking for what is not read, and damage.
@Suite("Encrypted .xlsx workbooks")
struct EncryptedPackageTests {
    /// An `EncryptionInfo` stream: version 4.4, then the descriptor with `keyData` and one
    /// password key encryptor whose attributes are `key`'s.
    static func info(key: String, cipher: String = "AES") -> [UInt8] {
        let common =
            #"saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherChaining="ChainingModeCBC" "#
            + #"hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA==""#
        let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" \
            xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">
            <keyData \(common) cipherAlgorithm="\(cipher)"/><keyEncryptors><keyEncryptor \
            uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey \(common) \
            cipherAlgorithm="AES" \(key)/></keyEncryptor></keyEncryptors></encryption>
            """
        return [4, 0, 4, 0, 0x40, 0, 0, 0] + Array(xml.utf8)
    }

    static let verifier =
        #"encryptedVerifierHashInput="AAAAAAAAAAAAAAAAAAAAAA==" encryptedVerifierHashValue="AAAAAAAAAAAAAAAAAAAAAA==" "#
        + #"encryptedKeyValue="AAAAAAAAAAAAAAAAAAAAAA==""#

    @Test("a descriptor asking for more rounds of hashing than Office uses tenfold is refused before hashing")
    func spinCount() throws {
        let error = #expect(throws: WorkbookError.self) {
            _ = try AgileEncryption(info: Self.info(key: #"spinCount="5000000" "# + Self.verifier), password: "x")
        }
        #expect(error?.description.contains("asks for 5000000 rounds of hashing") == true)
    }

    @Test("a cipher other than AES, or a descriptor without a password key, is refused as a password")
    func otherKinds() throws {
        #expect(throws: WorkbookError.savedWithPassword) {
            _ = try AgileEncryption(
                info: Self.info(key: #"spinCount="10" "# + Self.verifier, cipher: "DES"), password: "x")
        }
        #expect(throws: WorkbookError.savedWithPassword) {
            _ = try AgileEncryption(info: [4, 0, 2, 0, 0x24, 0, 0, 0] + Array(repeating: 0, count: 100), password: "x")
        }
        // The standard kind with RC4 (AlgID 0x6801) instead of AES.
        var standard = try Self.encryptionInfo("velvetsweatshop-standard.xlsx")
        #expect(try StandardEncryption(info: standard, password: BIFFDecryption.builtInPassword) != nil)
        #expect(try StandardEncryption(info: standard, password: "secret") == nil)
        standard[12 + 8] = 0x01
        standard[12 + 9] = 0x68
        #expect(throws: WorkbookError.savedWithPassword) {
            _ = try StandardEncryption(info: standard, password: BIFFDecryption.builtInPassword)
        }
        // A wrong verifier is another password, not damage.
        #expect(try AgileEncryption(info: Self.info(key: #"spinCount="10" "# + Self.verifier), password: "x") == nil)
    }

    /// The `EncryptionInfo` stream of the fixture `name`.
    static func encryptionInfo(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.url(forResource: "Workbooks", withExtension: nil))
        let path = folder.appendingPathComponent(name).path
        let file = open(path, O_RDONLY)
        defer { close(file) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let stream = try #require(try CompoundFile(file: file, fileSize: size).stream("EncryptionInfo"))
        return try stream.read(file, at: 0, count: stream.size)
    }

    @Test("an encrypted workbook whose contents are shorter than its size says is refused as cut short")
    func cutShort() throws {
        let folder = try #require(Bundle.module.url(forResource: "Workbooks", withExtension: nil))
        var bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent("velvetsweatshop.xlsx")))
        // The package's stream starts with its size: make it a few blocks more than is there.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("encrypted-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data(bytes).write(to: path)
        let file = open(path.path, O_RDONLY)
        let container = try CompoundFile(file: file, fileSize: bytes.count)
        let stream = try #require(try container.stream("EncryptedPackage"))
        close(file)
        guard case .sectors(let sectors, let sectorSize, _) = stream else {
            Issue.record("the package is not in the file's sectors")
            return
        }
        let at = (sectors[0] + 1) * sectorSize
        let size = bytes.uint64(at: at) + 100
        for index in 0..<8 { bytes[at + index] = UInt8(size >> (index * 8) & 0xFF) }
        let error = #expect(throws: WorkbookError.self) { try WorkbookReaderTests.read(bytes) }
        #expect(error?.description.contains("cut short") == true)
    }
}
