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
                "rule \"a\" can never match: keywords_all's \"Gas Leak\" contains keywords_none's \"gas\""
            ])
        #expect(csv.first?.line == 2)
    }

    @Test("a table saved the wrong way is told how to save it: UTF-16, semicolons, a GBK YAML file (with its line)")
    func savedTheWrongWay() throws {
        func issues(_ file: String, _ data: Data) throws -> [String] {
            let fixture = try RoutingFixture(tables: [:], files: [file: data])
            defer { fixture.remove() }
            return fixture.load(section: oneTableSection).1.issues.map(\.description)
        }
        var utf16 = Data([0xFF, 0xFE])
        for unit in "id\tdepartment\r\na\twater-supply\r\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(
            try issues("routing/t.csv", utf16).first
                == "routing/t.csv: file is UTF-16 (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\""
        )
        #expect(
            try issues("routing/t.csv", Data("id;keywords_any;department\na;停水;water-supply\n".utf8)).first
                == "routing/t.csv:1:1: id;keywords_any;department: unknown column \"id;keywords_any;department\": the header "
                + "is separated by semicolons, not commas; save the table as \"CSV UTF-8 (Comma delimited)\"")
        // 电梯 in GBK on line 4 (停水 would happen to be valid UTF-8).
        let gbk =
            Data("rules:\n  - id: a\n    when:\n      keywords_any: [".utf8) + Data([0xB5, 0xE7, 0xCC, 0xDD])
            + Data("]\n    then: { department: water-supply }\n".utf8)
        let yamlIssues = try issues("routing/t.yaml", gbk)
        #expect(
            yamlIssues.first
                == "routing/t.yaml:4: file is not valid UTF-8: save it as UTF-8 (an editor's \"GBK\" or \"ANSI\" is not read)",
            "\(yamlIssues)")
    }

    @Test("a tag holding a list separator is refused like a keyword")
    func tagWithSeparator() throws {
        let found = try tableIssues(
            yaml: """
                rules:
                  - id: a
                    when: { keywords_any: [噪音] }
                    then: { tags: "夜间, 加急" }
                """)
        #expect(
            found.map(\.message) == [
                "tag \"夜间, 加急\" contains \",\", a separator of a list: write each tag on its own "
                    + "(夜间|加急 in a CSV cell, [夜间, 加急] in YAML)"
            ], "\(found)")
    }
}
