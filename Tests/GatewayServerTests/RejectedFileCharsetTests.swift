import Foundation
import Testing

@testable import GatewayServer

@Suite("The charset of a rejected-rows file, read in pieces")
struct RejectedFileCharsetTests {
    func detect(_ bytes: [UInt8], pieceSize: Int) throws -> String? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rejected-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try RejectedFileCharset.detect(url, pieceSize: pieceSize)
    }

    @Test("UTF-8 whose characters are split between pieces is UTF-8, at every piece size")
    func utf8AcrossPieces() throws {
        let text = Array("工单编号,来电时间,原因\nGD002,2026-13-40 08:00,日期无法解析 😀\n".utf8)
        for size in 1...7 { #expect(try detect(text, pieceSize: size) == "utf-8", "piece size \(size)") }
    }

    @Test("GBK bytes are GB18030; a byte-order mark names its encoding; a missing file is nil")
    func otherEncodings() throws {
        // 工单 in GBK: B9 A4 B5 A5.
        #expect(try detect([0xB9, 0xA4, 0xB5, 0xA5, 0x2C, 0x31, 0x0A], pieceSize: 3) == "gb18030")
        // A UTF-8 lead byte left without its continuation at the end of the file.
        #expect(try detect(Array("工单".utf8) + [0xE5, 0xB7], pieceSize: 4) == "gb18030")
        #expect(try detect([0xFF, 0xFE, 0x25, 0x5E], pieceSize: 2) == "utf-16le")
        #expect(try detect([0xEF, 0xBB, 0xBF, 0x41], pieceSize: 64) == "utf-8")
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        #expect(try RejectedFileCharset.detect(missing) == nil)
    }
}
