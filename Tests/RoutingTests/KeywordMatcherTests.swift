import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("One keyword matcher for every rule agrees with plain substring search")
struct KeywordMatcherTests {
    /// A deterministic generator, so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 ^ state
        }
    }

    /// Short alphabet so that keywords overlap, share prefixes and suffixes, and nest.
    static let alphabet = Array("停水没噪音施工夜间abcＡＢＣ1１ ")

    @Test("random overlapping keywords over random texts: fast path, explain path and contains agree")
    func randomAgreement() throws {
        var random = Generator(state: 42)
        let table = Self.randomKeywordRules(count: 120, wordLength: 1...4, alphabet: Self.alphabet, using: &random)
        let fixture = try RoutingFixture(tables: ["t": table])
        defer { fixture.remove() }
        let (configuration, _) = fixture.load(
            section: "routing:\n  tables: [t]\n  default: { department: citizen-services }\n")
        let router = RuleRouter(configuration: try #require(configuration))
        for _ in 0..<500 {
            let text = Self.randomWord(0...30, alphabet: Self.alphabet, using: &random)
            let record = complaint(text.isEmpty ? "x" : text)
            let fast = router.decide(record)
            let explained = router.decide(record, withTrace: true)
            #expect(fast.rule == explained.rule, "text \(text)")
        }
    }

    @Test("long texts with subjects: the compiled router picks the rule a plain substring loop over the rules picks")
    func agreementWithSubstringLoop() throws {
        var random = Generator(state: 7)
        // Case pairs (one, two and three UTF-8 bytes: Latin, Greek, Cyrillic, `ẞ`, Roman numerals),
        // full-width forms, the ideographic space, `İ` (which lowercases to two scalars) and
        // four-byte characters, and characters the fold drops or makes a space (ZWSP, ZWJ, the soft
        // hyphen, variation selectors, NBSP).
        let alphabet = Array("停水没噪音施工夜间abcABCＡＢＣ1１　 İi\u{307}éÉΣσДдẞßⅫⅻ😀𠀀\u{200B}\u{200D}\u{AD}\u{FE0F}\u{E0101}\u{A0}")
        func word(_ length: ClosedRange<Int>) -> String {
            Self.randomWord(length, alphabet: alphabet, using: &random)
        }
        let table = Self.randomKeywordRules(count: 150, wordLength: 1...5, alphabet: alphabet, using: &random)
        let fixture = try RoutingFixture(tables: ["t": table])
        defer { fixture.remove() }
        let (loaded, _) = fixture.load(
            section: "routing:\n  tables: [t]\n  default: { department: citizen-services }\n")
        let configuration = try #require(loaded)
        let router = RuleRouter(configuration: configuration)
        func expected(_ record: Complaint) -> String {
            let text = MatchText(record.subject.map { "\($0)\n\(record.text)" } ?? record.text)
            for rule in configuration.tables[0].rules {
                let holds = rule.conditions.allSatisfy { condition in
                    switch condition {
                    case .keywordsAny(let keywords): keywords.contains(where: text.contains)
                    case .keywordsAll(let keywords): keywords.allSatisfy(text.contains)
                    case .keywordsNone(let keywords): !keywords.contains(where: text.contains)
                    default: false
                    }
                }
                if holds { return rule.id }
            }
            return "default"
        }
        for round in 0..<400 {
            let text = word(1...300)
            let record = complaint(text, subject: round % 4 == 0 ? word(1...12) : nil)
            #expect(router.decide(record).rule == expected(record), "text \(text)")
        }
    }

    /// A word of `length` characters drawn from `alphabet`.
    private static func randomWord(
        _ length: ClosedRange<Int>, alphabet: [Character], using random: inout Generator
    ) -> String {
        String((0..<Int.random(in: length, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    /// A routing table of `count` rules (fewer when a rule draws only blank keywords), each with 1–3
    /// random keywords under `keywords_any`, `keywords_all` or `keywords_none` in turn.
    private static func randomKeywordRules(
        count: Int, wordLength: ClosedRange<Int>, alphabet: [Character], using random: inout Generator
    ) -> String {
        var rules: [String] = []
        for index in 0..<count {
            let keywords = (0..<Int.random(in: 1...3, using: &random))
                .map { _ in randomWord(wordLength, alphabet: alphabet, using: &random) }
                .filter { !MatchText($0).text.trimmingCharacters(in: .whitespaces).isEmpty }
            guard !keywords.isEmpty else { continue }
            let kind = ["keywords_any", "keywords_all", "keywords_none"][index % 3]
            let quoted = keywords.map { "\"\($0)\"" }.joined(separator: ", ")
            rules.append(
                "  - id: r\(index)\n    when: { \(kind): [\(quoted)] }\n    then: { department: water-supply }")
        }
        return "rules:\n" + rules.joined(separator: "\n")
    }

    @Test("MatchText folds full-width letters, digits and the ideographic space, and lowercases")
    func folding() {
        #expect(MatchText("ＡＢＣ１２３").text == "abc123")
        #expect(MatchText("Ｗｉ－Ｆｉ　断了").text == "wi-fi 断了")
        #expect(MatchText("ÉCOLE Straße").text == "école straße")
        #expect(MatchText("噪音，扰民！").text == "噪音,扰民!")
    }
}
