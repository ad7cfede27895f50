import ComplaintCore
import EmailAdapter
import Testing

/// Where a multipart ends: a close delimiter may be followed by text, but a line that only starts
/// like one, with real delimiters after it, is the sender's text.
@Suite("Multipart delimiter lines")
struct MultipartDelimiterTests {
    private func message(closing: String, tail: String = "") -> String {
        """
        --abc\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        first line\r
        \(closing)\r
        last line\r
        --abc\r
        Content-Type: text/plain; name="x.txt"\r
        Content-Disposition: attachment; filename="x.txt"\r
        \r
        file\r
        \(tail)
        """
    }

    @Test("a line starting like the close delimiter, with delimiters after it, is text")
    func closeLookalikeIsText() throws {
        let record = try Corpus.complaint(
            body: message(closing: "--abc-- neither? (close delimiter with trailing text)", tail: "--abc--\r\n"),
            contentType: "multipart/mixed; boundary=\"abc\"")
        #expect(record.text == "first line\n--abc-- neither? (close delimiter with trailing text)\nlast line")
        #expect(record.attachments.map(\.filename) == ["x.txt"])
    }

    @Test("a close delimiter followed by text, with no delimiter after it, still ends the multipart")
    func closeWithTextEnds() throws {
        let body = """
            --abc\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            路灯坏了。\r
            --abc-- end of message\r
            epilogue\r

            """
        let record = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=\"abc\"")
        #expect(record.text == "路灯坏了。")
        #expect(record.source.extra["defects"] == nil)
    }
}
