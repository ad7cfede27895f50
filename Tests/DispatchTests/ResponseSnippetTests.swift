import Testing

@testable import ComplaintDispatch

/// The start of a department's answer, as the attempt record shows it.
@Suite struct ResponseSnippetTests {
    @Test func declaredCharsetIsHonoured() {
        let gbk: [UInt8] = [0xB7, 0xFE, 0xCE, 0xF1, 0xC6, 0xF7, 0xB4, 0xED, 0xCE, 0xF3]  // 服务器错误
        let text = ResponseSnippet.text(
            gbk, headers: [HeaderField(name: "Content-Type", value: "text/plain; charset=\"GBK\"")], truncated: false)
        #expect(text == "服务器错误")
    }

    @Test func aCharacterCutByTheLimitIsDropped() {
        let bytes = Array(String(repeating: "错", count: 171).utf8.prefix(512))  // 170 whole, then 2 of 3 bytes
        let text = ResponseSnippet.text(bytes, headers: [], truncated: true)
        #expect(text == String(repeating: "错", count: 170))
    }

    @Test func controlCharactersStayVisible() {
        let text = ResponseSnippet.text([0x00, 0x61, 0x09, 0x62, 0x0A, 0x1B, 0x7F], headers: [], truncated: false)
        #expect(text == "\u{2400}a\tb\n\u{241B}\u{2421}")
    }
}
