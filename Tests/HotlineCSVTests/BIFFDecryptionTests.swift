import Foundation
import Glibc
import Testing

@testable import HotlineCSVAdapter

/// Excel's RC4 workbook encryption, checked against files LibreOffice encrypted.
@Suite("Encrypted .xls workbooks")
struct BIFFDecryptionTests {
    /// The sheet names of the `.xls` fixture `name`, its records decrypted with `password`;
    /// nil when the password does not open it.
    static func sheetNames(_ name: String, password: String) throws -> [String]? {
        let folder = try #require(Bundle.module.url(forResource: "Workbooks", withExtension: nil))
        let path = folder.appendingPathComponent(name).path
        let file = open(path, O_RDONLY)
        defer { close(file) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let container = try CompoundFile(file: file, fileSize: size)
        let records = BIFFRecords(file: file, stream: try #require(try container.stream("Workbook")), from: 0)
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
        // A FILEPASS of another kind (XOR obfuscation, CryptoAPI RC4) is not taken for this one.
        #expect(BIFFDecryption(filePass: [0, 0, 0x12, 0x34, 0x56, 0x78]) == nil)
        #expect(BIFFDecryption(filePass: [1, 0, 2, 0, 2, 0] + Array(repeating: 0, count: 200)) == nil)
    }
}
