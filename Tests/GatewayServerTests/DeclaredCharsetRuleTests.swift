import Foundation
import Testing

@testable import GatewayServer

/// Which bytes a declared charset governs, before the JSON parser sees them.
@Suite struct DeclaredCharsetRuleTests {
    private func read(_ bytes: [UInt8], _ contentType: String) -> String? {
        guard case .success(let data) = DeclaredCharset.utf8Body(Data(bytes), contentType: contentType) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aShortGBKNameThatPassesForUTF8IsReadInGBK() {
        // 郑梅 in GBK is D6 A3 C3 B7, which is also valid UTF-8 (֣÷).
        let body = Array(#"{"name":""#.utf8) + [0xD6, 0xA3, 0xC3, 0xB7] + Array(#""}"#.utf8)
        #expect(read(body, "application/json; charset=GBK") == #"{"name":"郑梅"}"#)
        // Chinese written in UTF-8 under the same label stays UTF-8, and without a label nothing changes.
        #expect(read(Array(#"{"name":"郑梅"}"#.utf8), "application/json; charset=GBK") == #"{"name":"郑梅"}"#)
        #expect(read(body, "application/json") == String(decoding: body, as: UTF8.self))
    }

    @Test func theEuroByteOfWindowsGBKIsRead() {
        // Windows' GBK (code page 936) writes € as the single byte 0x80, as the hotline reader takes it.
        let body = Array(#"{"text":""#.utf8) + [0xB7, 0xD1, 0xD3, 0xC3, 0x80, 0x35] + Array(#""}"#.utf8)
        #expect(read(body, "application/json; charset=GBK") == #"{"text":"费用€5"}"#)
        #expect(read(body, "application/json; charset=gb2312") == #"{"text":"费用€5"}"#)
    }

    @Test func utf16WithoutAByteOrderMarkIsReadAsDeclared() {
        let json = #"{"text":"路灯不亮"}"#
        let littleEndian = json.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let bigEndian = json.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(read(littleEndian, "application/json; charset=utf-16le") == json)
        #expect(read(bigEndian, "application/json; charset=UTF-16BE") == json)
        #expect(read([0xFF, 0xFE] + littleEndian, "application/json; charset=utf-16") == json)
        // UTF-8 under a UTF-16 label (no NUL: no UTF-16 text of these characters) stays UTF-8.
        #expect(read(Array(json.utf8), "application/json; charset=utf-16le") == json)
    }
}
