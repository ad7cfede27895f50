import ComplaintCore
import Testing

@Suite("Sender-supplied filenames made safe")
struct SafeFilenameTests {
    @Test(
        "paths, controls, overrides and reserved characters never survive",
        arguments: [
            ("photo.jpg", "photo.jpg"),
            ("../../etc/passwd", "passwd"),
            ("..\\..\\x", "x"),
            ("/etc/shadow", "shadow"),
            ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
            ("C:evil.txt", "C_evil.txt"),
            ("report\u{0}.pdf.exe", "report.pdf.exe"),
            ("line\r\nX-Injected: 1.txt", "lineX-Injected_ 1.txt"),
            ("photo\u{202E}gpj.exe", "photogpj.exe"),
            ("..", nil),
            ("../", nil),
            ("   ", nil),
            (".bashrc", "bashrc"),
            ("投诉材料.docx", "投诉材料.docx"),
        ] as [(String, String?)])
    func sanitized(_ input: String, _ expected: String?) {
        #expect(SafeFilename.sanitize(input) == expected)
    }

    @Test("a very long name is cut to 255 bytes on a character boundary, keeping its extension")
    func longName() throws {
        let name = String(repeating: "噪", count: 200) + ".pdf"
        let safe = try #require(SafeFilename.sanitize(name))
        #expect(safe.utf8.count <= SafeFilename.maxBytes)
        #expect(safe.hasSuffix("噪.pdf"))
        let ascii = try #require(SafeFilename.sanitize(String(repeating: "a", count: 10_000)))
        #expect(ascii.utf8.count == SafeFilename.maxBytes)
    }
}
