import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Rule table validation: every error with file, line and field")
struct RoutingLoaderTests {
    static let section = """
        routing:
          tables: [t]
          default: { department: citizen-services }
        """

    func issues(table: String, section: String = RoutingLoaderTests.section) throws -> [ConfigIssue] {
        let fixture = try RoutingFixture(tables: ["t": table])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(section: section)
        if diagnostics.hasErrors { #expect(configuration == nil) }
        return diagnostics.issues
    }

    @Test("unknown department names the file, line and field")
    func unknownDepartment() throws {
        let found = try issues(
            table: """
                rules:
                  - id: a
                    when: { keywords_any: [x] }
                    then: { department: urban }
                """)
        let issue = try #require(found.first)
        #expect(issue.file == "routing/t.yaml")
        #expect(issue.line == 4)
        #expect(issue.field == "rules[0].then.department")
        #expect(issue.description.contains("unknown department \"urban\""))
    }

    @Test("every problem is reported at once")
    func allProblems() throws {
        let found = try issues(
            table: """
                rules:
                  - id: a
                    when: { keywords_any: [x], colour: red }
                    then: { department: water-supply }
                  - id: a
                    when: { channel: fax }
                    then: { priority: extreme }
                  - id: c
                    when: { keywords_any: [""] }
                    then: {}
                """)
        let descriptions = found.map(\.description)
        #expect(descriptions.contains { $0.contains("rules[0].when.colour: unknown condition") && $0.contains(":3:") })
        #expect(descriptions.contains { $0.contains("duplicate rule id \"a\"") && $0.contains(":5:") })
        #expect(descriptions.contains { $0.contains("unknown channel \"fax\"") })
        #expect(descriptions.contains { $0.contains("\"extreme\" is not one of low, normal, high, urgent") })
        #expect(descriptions.contains { $0.contains("a keyword is empty") })
        #expect(descriptions.contains { $0.contains("decides nothing") })
    }

    @Test("a table with no rules (empty, only comments, a header-only CSV) is an error, not a silent fall-through")
    func emptyTables() throws {
        for text in ["", "# rules come later\n", "rules: []\n"] {
            let found = try issues(table: text)
            #expect(found.contains { $0.message.contains("rule table routing/t.yaml has no rules") }, "\(found)")
        }
        let fixture = try RoutingFixture(
            tables: [:], files: ["routing/t.csv": Data("id,keywords_any,department\r\n".utf8)])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(section: Self.section)
        #expect(configuration == nil)
        #expect(
            diagnostics.errors.contains { $0.message.contains("routing/t.csv has no rules") }, "\(diagnostics.issues)")
    }

    @Test("a table file in routing/ that routing.tables does not list is warned of; other files are not")
    func unlistedTable() throws {
        let table = "rules:\n  - id: a\n    when: { keywords_any: [x] }\n    then: { department: water-supply }\n"
        let fixture = try RoutingFixture(
            tables: ["t": table, "t-copy": table],
            files: [
                "routing/extra.CSV": Data("id,keywords_any,department\r\nb,y,water-supply\r\n".utf8),
                "routing/README.txt": Data("notes".utf8), "routing/.t.yaml.swp": Data(),
            ])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(section: Self.section)
        #expect(configuration != nil)
        #expect(
            diagnostics.issues.map(\.description) == [
                "routing/extra.CSV: warning: not listed in routing.tables (gateway.yaml), so no complaint is routed by "
                    + "it: list it where it is to be evaluated, or move it out of routing/",
                "routing/t-copy.yaml: warning: not listed in routing.tables (gateway.yaml), so no complaint is routed "
                    + "by it: list it where it is to be evaluated, or move it out of routing/",
            ])
    }

    @Test("a keyword holding a full-width or ideographic separator is an error: it would never match")
    func separatorsInsideAKeyword() throws {
        for list in ["[停水，没水]", "[停水、没水]", "[噪音｜施工]"] {
            let found = try issues(
                table: """
                    rules:
                      - id: a
                        when: { keywords_any: \(list) }
                        then: { department: water-supply }
                    """)
            #expect(found.contains { $0.message.contains("a separator of a list") && $0.line == 3 }, "\(found)")
        }
    }

    @Test("a YAML syntax error gives its line")
    func syntaxError() throws {
        let found = try issues(table: "rules:\n  - id: a\n    when: [unclosed\n")
        let issue = try #require(found.first)
        #expect(issue.file == "routing/t.yaml")
        #expect(issue.line != nil)
        #expect(issue.message.hasPrefix("YAML syntax error"))
    }

    @Test("a missing table file, an unknown default department and interpolation errors are reported")
    func sectionErrors() throws {
        let fixture = try RoutingFixture(tables: [:])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(
            section: """
                routing:
                  tables: [missing]
                  default:
                    department: ${DEFAULT_DEPT}
                """)
        #expect(configuration == nil)
        let text = diagnostics.issues.map(\.description)
        #expect(text.contains { $0.contains("routing/missing.yaml does not exist") && $0.hasPrefix("gateway.yaml:2:") })
        #expect(
            text.contains {
                $0.contains("environment variable DEFAULT_DEPT is not set") && $0.hasPrefix("gateway.yaml:4:")
            })
    }

    @Test("the version changes when a table changes and not otherwise")
    func version() throws {
        let table = "rules:\n  - id: a\n    when: { keywords_any: [x] }\n    then: { department: water-supply }\n"
        func version(_ text: String) throws -> String {
            let fixture = try RoutingFixture(tables: ["t": text])
            defer { fixture.remove() }
            return try #require(fixture.load(section: Self.section).0?.version)
        }
        #expect(try version(table) == version(table))
        #expect(try version(table) != version(table.replacingOccurrences(of: "[x]", with: "[y]")))
    }
}
