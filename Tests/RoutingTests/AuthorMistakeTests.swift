import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Likely mistakes of a rule author are named")
struct AuthorMistakeTests {
    @Test("a category outside the five standard ones is a warning naming them; the five are not")
    func unknownCategory() throws {
        let yaml = """
            rules:
              - id: typo
                when: { category: [投拆, 投诉] }
                then: { department: water-supply }
              - id: fine
                when: { category: [举报, 咨询, 求助, 建议] }
                then: { department: water-supply }
            """
        let found = try tableIssues(yaml: yaml)
        let issue = try #require(found.first)
        #expect(found.count == 1, "\(found)")
        #expect(issue.severity == .warning)
        #expect(issue.field == "rules[0].when.category" && issue.line == 3)
        #expect(
            issue.message
                == "category \"投拆\" is none of the five (投诉, 举报, 咨询, 求助, 建议): the rule matches only "
                + "complaints whose category is exactly \"投拆\"")
        // A warning only: the tables load, and a record with that category does match.
        let fixture = try RoutingFixture(tables: ["t": yaml])
        defer { fixture.remove() }
        let routed = RuleRouter(configuration: try #require(fixture.load(section: oneTableSection).0))
        #expect(routed.decide(complaint("x", category: "投拆")).rule == "typo")

        let csv = try tableIssues(csv: "id,category,department\na,投拆|建议,water-supply\n")
        #expect(csv.map(\.severity) == [.warning])
        #expect(csv.first?.line == 2 && csv.first?.column == 2)
    }

    @Test(
        "a due out of range says so and gives the limit; other forms keep the general message",
        arguments: [
            ("10000 workdays", "\"10000 workdays\" is out of range: working days run from 1 to 3650"),
            ("999999h", "\"999999h\" is out of range: hours run from 1 to 87600"),
            ("0h", "\"0h\" is out of range: hours run from 1 to 87600"),
            ("99999999999999999999 hours", "is out of range: hours run from 1 to 87600"),
            ("5 weeks", "expected hours (72h) or working days (5 workdays), found \"5 weeks\""),
            ("3天", "expected hours (72h) or working days (5 workdays), found \"3天\""),
        ])
    func dueOutOfRange(due: String, message: String) throws {
        let found = try tableIssues(csv: "id,keywords_any,department,due\nd,停水,water-supply,\(due)\n")
        #expect(found.count == 1 && found.first?.message.contains(message) == true, "\(found)")
    }

    @Test(
        "a rule whose keywords_none takes what its keywords_all or every keywords_any needs is warned of as never matching"
    )
    func selfContradictingKeywords() throws {
        let found = try tableIssues(
            yaml: """
                rules:
                  - id: all-none
                    when: { keywords_all: [电梯困人, 物业], keywords_none: [电梯] }
                    then: { department: water-supply }
                  - id: any-none
                    when: { keywords_any: [停水, 停水了], keywords_none: [停水] }
                    then: { department: water-supply }
                  - id: fine
                    when: { keywords_any: [电梯, 扶梯], keywords_none: [电梯井] }
                    then: { department: water-supply }
                """)
        #expect(
            found.map { "\($0.severity) \($0.line ?? 0): \($0.message)" } == [
                "warning 2: rule \"all-none\" can never match: keywords_all's \"电梯困人\" contains keywords_none's \"电梯\"",
                "warning 5: rule \"any-none\" can never match: every keyword of keywords_any contains one of keywords_none's",
            ], "\(found)")
        let csv = try tableIssues(csv: "id,keywords_all,keywords_none,department\na,Gas Leak,gas,water-supply\n")
        #expect(
            csv.map(\.message) == [
                "rule \"a\" can never match: keywords_all's \"gas leak\" contains keywords_none's \"gas\""
            ])
        #expect(csv.first?.line == 2)
    }
}
