import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("A list typed into one value is refused: it would be one keyword no complaint contains")
struct ListSeparatorTests {
    @Test(
        "an ASCII comma, semicolon or tab inside a CSV keyword cell is an error suggesting two keywords",
        arguments: [
            ("\"违建,占道\"", "\",\""), ("违建;占道", "\";\""), ("\"违建\t占道\"", "a tab"), ("违建，占道", "\"，\""),
        ])
    func csvCell(cell: String, shown: String) throws {
        let found = try tableIssues(csv: "id,keywords_any,department\nx1,\(cell),water-supply\n")
        let issue = try #require(found.first, "no issue for \(cell)")
        #expect(found.count == 1, "\(found)")
        #expect(issue.severity == .error)
        #expect(issue.line == 2 && issue.column == 2)
        #expect(issue.message.contains("contains \(shown), a separator of a list"), "\(issue.message)")
        #expect(issue.message.contains("(违建|占道 in a CSV cell, [违建, 占道] in YAML)"), "\(issue.message)")
    }

    @Test("a keyword with a space stays one keyword; so does a lone word written as a YAML string")
    func spacesAndLoneWords() throws {
        #expect(try tableIssues(csv: "id,keywords_any,department\nx4,gas leak|违建,water-supply\n").isEmpty)
        let yaml = """
            rules:
              - id: a
                when: { keywords_any: 停水, channel: sms }
                then: { department: water-supply }
              - id: b
                when: { keywords_any: ["gas leak"] }
                then: { department: water-supply }
            """
        #expect(try tableIssues(yaml: yaml).isEmpty)
        let table = try router(table: yaml)
        #expect(table.decide(complaint("小区停水", channel: .sms)).rule == "a")
        #expect(table.decide(complaint("GAS LEAK")).rule == "b")
    }

    @Test(
        "a YAML string where a list belongs, holding a separator or a space, is an error saying to write a list",
        arguments: [
            ("\"停水,没水\"", "write [停水, 没水] for 2 values"),
            ("停水 没水", "write [停水, 没水] for 2 values, or [\"停水 没水\"] for one"),
            ("\"停水；没水\"", "write [停水, 没水] for 2 values"),
        ])
    func yamlScalar(value: String, advice: String) throws {
        let found = try tableIssues(
            yaml: """
                rules:
                  - id: y1
                    when:
                      keywords_any: \(value)
                    then: { department: water-supply }
                """)
        let issue = try #require(found.first)
        #expect(found.count == 1, "\(found)")
        #expect(issue.field == "rules[0].when.keywords_any" && issue.line == 4)
        #expect(issue.message.hasPrefix("keywords_any takes a list, and "), "\(issue.message)")
        #expect(issue.message.contains(advice), "\(issue.message)")
    }

    @Test("an ASCII separator inside a YAML list item or a district is refused like a full-width one")
    func yamlListItems() throws {
        let found = try tableIssues(
            yaml: """
                rules:
                  - id: a
                    when: { keywords_any: ["停电,跳闸", "噪音;扰民"] }
                    then: { department: water-supply }
                  - id: b
                    when: { keywords_any: [停水], district: ["西湖区,滨江区"] }
                    then: { department: water-supply }
                  - id: c
                    when: { channel: "sms, hotline" }
                    then: { department: water-supply }
                """)
        let messages = found.map(\.message)
        #expect(messages.contains { $0.hasPrefix("keyword \"停电,跳闸\" contains \",\"") })
        #expect(messages.contains { $0.hasPrefix("keyword \"噪音;扰民\" contains \";\"") })
        #expect(messages.contains { $0.hasPrefix("district \"西湖区,滨江区\" contains \",\"") })
        #expect(messages.contains { $0.hasPrefix("channel takes a list, and \"sms, hotline\" is one value") })
        #expect(found.count == 4, "\(found)")
    }
}
