import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Validation reports every problem in one run, not one per fix")
struct AllProblemsAtOnceTests {
    @Test(
        "a CSV with an unknown column, bad rows and an unclosed quote reports the column, the rows before the quote, and the quote"
    )
    func csvUnknownColumnRowsAndQuote() throws {
        let csv = """
            id,description,district,keywords_any,department,colour
            xihu,西湖区,西湖区,违建｜占道,district-west,
            ,无 id,西湖区,违建,district-west,
            dup,,,停水,nowhere,
            bj,"未闭合引号,,,违建,district-west,
            after,,,停水,water-supply,
            """
        let found = try tableIssues(csv: csv).filter { $0.severity == .error }.map(\.description)
        #expect(
            found == [
                "routing/t.csv:1:6: colour: unknown column \"colour\" (conditions: "
                    + RuleCondition.keys.joined(separator: ", ")
                    + "; outcome: department, priority, due, due_in_hours, tags; also id, description)",
                "routing/t.csv:2:4: keywords_any: keyword \"违建｜占道\" contains \"｜\", a separator of a list: "
                    + "write each keyword on its own (违建|占道 in a CSV cell, [违建, 占道] in YAML)",
                "routing/t.csv:3:1: id: required cell is empty",
                "routing/t.csv:4:5: department: unknown department \"nowhere\" (departments.yaml defines: "
                    + "citizen-services, district-west, urban-management, water-supply)",
                "routing/t.csv:5:2: quote opened here is never closed (the rows from here on are not checked)",
            ], "\(found)")
    }

    @Test("a misnamed column does not make every row an empty rule; the header's other errors come too")
    func misnamedColumn() throws {
        let found = try tableIssues(csv: "keyword_any,department,department\n停水,water-supply,\n")
        let messages = found.map(\.message)
        #expect(messages.contains { $0.hasPrefix("unknown column \"keyword_any\"") })
        #expect(messages.contains("column \"department\" appears twice"))
        #expect(messages.contains("no id column"))
        #expect(!messages.contains { $0.contains("empty rule") }, "\(messages)")
        #expect(found.count == 3, "\(found)")
    }

    @Test("in YAML every bad value of a list is reported, not only the first")
    func everyBadListItem() throws {
        let found = try tableIssues(
            yaml: """
                rules:
                  - id: sep
                    when: { keywords_any: ["停水，没水", "停水、没水", "", 漏水], channel: [fax, sms, pager] }
                    then: { department: water-supply }
                  - id: days
                    when: { weekday: [周八, mon, someday], phone_prefix: [86571, "+86"], email_domain: [x, a.com, y] }
                    then: { department: water-supply }
                """
        ).map(\.message)
        for expected in [
            "keyword \"停水，没水\"", "keyword \"停水、没水\"", "a keyword is empty", "unknown channel \"fax\"",
            "unknown channel \"pager\"", "unknown weekday \"周八\"", "unknown weekday \"someday\"",
            "phone prefix \"86571\"", "email domain \"x\"", "email domain \"y\"",
        ] {
            #expect(found.contains { $0.hasPrefix(expected) }, "\(expected) missing from \(found)")
        }
        #expect(found.count == 10, "\(found)")
    }
}
