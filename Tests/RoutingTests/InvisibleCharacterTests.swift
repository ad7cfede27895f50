import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Invisible characters and odd spaces do not hide a keyword")
struct InvisibleCharacterTests {
    static let table = """
        rules:
          - id: gas
            when: { keywords_any: [燃气泄漏, gas leak] }
            then: { department: urban-management }
          - id: power
            when: { keywords_all: [停电, 小区] }
            then: { department: water-supply }
          - id: written
            when: { keywords_any: ["水\u{200B}管\u{A0}爆裂"] }
            then: { department: water-supply }
        """

    @Test(
        "text with zero-width characters, a soft hyphen, variation selectors or unusual spaces routes like plain text",
        arguments: [
            ("燃气\u{200B}泄漏", "gas"), ("燃\u{200D}气\u{200C}泄\u{2060}漏", "gas"), ("燃气\u{AD}泄漏", "gas"),
            ("燃\u{FE0F}气泄漏", "gas"), ("燃\u{E0101}气泄漏", "gas"), ("燃气\u{FEFF}泄漏", "gas"),
            ("gas\u{A0}leak", "gas"), ("GAS\u{202F}LEAK", "gas"), ("gas\u{2003}le\u{AD}ak", "gas"),
            ("小区停\u{200B}电了", "power"), ("燃气 泄漏", "default"), ("gas  leak", "default"),
        ])
    func routes(text: String, rule: String) throws {
        let router = try router(table: Self.table)
        let record = complaint(text)
        #expect(router.decide(record).rule == rule)
        #expect(router.decide(record, withTrace: true).rule == rule)
        #expect(router.decide(complaint("x", subject: text)).rule == rule)
    }

    @Test("a keyword written with invisible characters or NBSP matches the plain text")
    func keywordsFoldToo() throws {
        let router = try router(table: Self.table)
        #expect(router.decide(complaint("楼下水管 爆裂")).rule == "written")
        #expect(router.decide(complaint("楼下水管\u{2060}\u{202F}爆裂"), withTrace: true).rule == "written")
    }

    @Test("every default-ignorable code point folds to nothing, every space separator to a space")
    func foldMatchesUnicodeProperties() {
        var wrong: [String] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            let folded = MatchText(String(Character(scalar))).text
            if properties.isDefaultIgnorableCodePoint {
                if !folded.isEmpty { wrong.append("U+\(String(value, radix: 16)) kept") }
            } else if properties.generalCategory == .spaceSeparator {
                if folded != " " { wrong.append("U+\(String(value, radix: 16)) not a space") }
            } else if folded.isEmpty {
                wrong.append("U+\(String(value, radix: 16)) dropped")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(20))")
    }

    @Test("traditional characters are not folded to simplified: a rule lists both forms")
    func traditionalIsNotFolded() throws {
        let router = try router(
            table: """
                rules:
                  - id: lift
                    when: { keywords_any: [电梯] }
                    then: { department: urban-management }
                """)
        #expect(router.decide(complaint("電梯壞了")).rule == "default")
        #expect(MatchText("電梯").text == "電梯")
    }
}
