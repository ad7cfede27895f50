import Foundation
import Glibc
import Testing

@testable import HotlineCSVAdapter

/// Excel's RC4 workbook encryption, checked against files LibreOffice encrypted and files encrypted
/// the CryptoAPI way by `scripts/lib/encrypt_xls_cryptoapi.py` (which msoffcrypto-tool and
/// LibreOffice decrypt).
@Suite("Encrypted .xls workbooks")
struct BIFFDecryptionTests {
    /// Runs `body` over the records of the `.xls` fixture `name`'s workbook stream.
    static func withRecords<T>(_ name: String, _ body: (BIFFRecords) throws -> T) throws -> T {
        let folder = try #require(Bundle.module.url(forResource: "Workbooks", withExtension: nil))
        let path = folder.appendingPathComponent(name).path
        let file = open(path, O_RDONLY)
        defer { close(file) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let container = try CompoundFile(file: file, fileSize: size)
        return try body(BIFFRecords(file: file, stream: try #require(try container.stream("Workbook")), from: 0))
    }

    /// The sheet names of the `.xls` fixture `name`, its records decrypted with `password`;
    /// nil when the password does not open it.
    static func sheetNames(_ name: String, password: String) throws -> [String]? {
        try withRecords(name) { records in
            var names: [String] = []
            while let record = try records.next(), record.type != BIFFRecords.Record.eof {
                if record.type == BIFFRecords.Record.filePass {
                    guard let decryption = BIFFDecryption(filePass: record.body, password: password) else { return nil }
                    records.decryption = decryption
                } else if record.type == BIFFRecords.Record.boundSheet {
                    var cursor = BIFFStringCursor(Array(record.body[6...]))
                    names.append(try cursor.string(lengthBytes: 1))
                }
            }
            return names
        }
    }

    /// The `FILEPASS` record's body of the fixture `name`.
    static func filePass(_ name: String) throws -> [UInt8] {
        try withRecords(name) { records in
            while let record = try records.next(), record.type != BIFFRecords.Record.eof {
                if record.type == BIFFRecords.Record.filePass { return record.body }
            }
            throw CocoaError(.fileReadCorruptFile)
        }
    }

    @Test("a password somebody chose opens its file by the same key derivation; a wrong one does not")
    func chosenPassword() throws {
        #expect(try Self.sheetNames("password.xls", password: "secret") == ["工单", "说明"])
        #expect(try Self.sheetNames("password.xls", password: "Secret") == nil)
        #expect(try Self.sheetNames("password.xls", password: BIFFDecryption.builtInPassword) == nil)
    }

    @Test("Excel's built-in password opens the file it encrypted, and nothing else")
    func builtInPassword() throws {
        #expect(try Self.sheetNames("velvetsweatshop.xls", password: BIFFDecryption.builtInPassword) == ["工单", "说明"])
        #expect(try Self.sheetNames("velvetsweatshop.xls", password: "secret") == nil)
        // XOR obfuscation is not RC4; a CryptoAPI FILEPASS whose header is empty is not read.
        #expect(BIFFDecryption(filePass: [0, 0, 0x12, 0x34, 0x56, 0x78]) == nil)
        #expect(BIFFDecryption(filePass: [1, 0, 2, 0, 2, 0] + Array(repeating: 0, count: 200)) == nil)
    }

    @Test("the CryptoAPI kind (SHA-1 keys, 128 and 40 bits) opens with Excel's built-in password and no other")
    func cryptoAPI() throws {
        #expect(try Self.sheetNames("cryptoapi.xls", password: BIFFDecryption.builtInPassword) == ["工单"])
        #expect(try Self.sheetNames("cryptoapi.xls", password: "secret") == nil)
        #expect(try Self.sheetNames("cryptoapi-40bit.xls", password: BIFFDecryption.builtInPassword) == ["工单", "说明"])
        #expect(try Self.sheetNames("cryptoapi-40bit.xls", password: "secret") == nil)
    }

    @Test("a CryptoAPI header naming another cipher than RC4 is not taken for one")
    func cryptoAPIOtherCipher() throws {
        let body = try Self.filePass("cryptoapi.xls")
        #expect(BIFFDecryption(filePass: body) != nil)
        var aes = body
        aes[14 + 8] = 0x0E  // AlgID 0x660E, AES-128
        aes[14 + 9] = 0x66
        #expect(BIFFDecryption(filePass: aes) == nil)
        var cut = body
        cut.removeLast()
        #expect(BIFFDecryption(filePass: cut) == nil)
    }
}
