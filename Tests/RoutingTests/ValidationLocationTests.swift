import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Validation messages: exact file:line:column")
struct ValidationLocationTests {
    func issues(_ table: String) throws -> [ConfigIssue] {
        let fixture = try RoutingFixture(tables: ["t": table])
        defer { fixture.remove() }
        let (configuration, diagnostics) = fixture.load(
            section: "routing:\n  tables: [t]\n  default: { department: citizen-services }\n")
        if diagnostics.hasErrors { #expect(configuration == nil) } else { #expect(configuration != nil) }
        return diagnostics.issues
    }

    @Test("unknown department, with the departments that exist")
    func unknownDepartment() throws {
        let found = try issues(
            """
            rules:
              - id: a
                when: { keywords_any: [x] }
                then: { department: urban }
            """
        ).map(\.description)
        #expect(
            found == [
                "routing/t.yaml:4:25: rules[0].then.department: unknown department \"urban\" "
                    + "(departments.yaml defines: citizen-services, district-west, urban-management, water-supply)"
            ])
    }

    @Test("duplicate id, unknown condition, bad regex, empty rule")
    func eachKind() throws {
        let found = try issues(
            """
            rules:
              - id: a
                when: { keywords_any: [x], colour: red }
                then: { department: water-supply }
              - id: a
                when: { regex: "([a-z" }
                then: { department: water-supply }
              - id: c
                then: { department: water-supply }
            """
        ).map(\.description)
        #expect(
            found.contains {
                $0.hasPrefix(
                    "routing/t.yaml:3:40: rules[0].when.colour: unknown condition \"colour\" (conditions: channel,")
            })
        #expect(found.contains("routing/t.yaml:5:9: rules[1].id: duplicate rule id \"a\" (first defined on line 2)"))
        #expect(
            found.contains { $0.hasPrefix("routing/t.yaml:6:20: rules[1].when.regex: bad regular expression /([a-z/") })
        #expect(
            found.contains(
                "routing/t.yaml:8:5: rules[2]: empty rule \"c\": no `when` conditions "
                    + "(write `when: {}` for a rule that matches everything)"))
        #expect(found.count == 4, "\(found)")
    }

    @Test("a rule shadowed by an earlier one is a warning, and the tables still load")
    func shadowed() throws {
        let found = try issues(
            """
            rules:
              - id: water
                when: { keywords_any: [停水, 没水] }
                then: { department: water-supply }
              - id: water-west
                when: { keywords_any: [小区停水], district: [西湖区] }
                then: { department: district-west }
              - id: sms-noise
                when: { channel: [sms], keywords_all: [噪音, 夜间] }
                then: { department: urban-management }
              - id: noise-night-sms
                when: { channel: [sms], keywords_all: [夜间噪音, 夜间施工] }
                then: { department: urban-management }
              - id: not-shadowed
                when: { channel: [sms, email], keywords_all: [噪音] }
                then: { department: urban-management }
              - id: catch-all
                when: {}
                then: { priority: low }
              - id: after-all
                when: { channel: [email] }
                then: { priority: high }
            """)
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(
            found.map(\.description) == [
                "routing/t.yaml:5:5: warning: rules[1]: rule \"water-west\" is never reached: "
                    + "the earlier rule \"water\" (line 2) matches every complaint it matches",
                "routing/t.yaml:11:5: warning: rules[3]: rule \"noise-night-sms\" is never reached: "
                    + "the earlier rule \"sms-noise\" (line 8) matches every complaint it matches",
                "routing/t.yaml:20:5: warning: rules[6]: rule \"after-all\" is never reached: "
                    + "the earlier rule \"catch-all\" (line 17) matches every complaint it matches",
            ])
    }

    @Test(
        "a time window inside an earlier rule's window is shadowed; one reaching outside it, or across midnight, is not"
    )
    func shadowedTimeWindow() throws {
        let found = try issues(
            """
            rules:
              - id: night
                when: { keywords_any: [噪音], time_of_day: "20:00-08:00" }
                then: { department: urban-management }
              - id: late-night
                when: { keywords_any: [施工噪音], time_of_day: "22:00-06:00" }
                then: { department: urban-management }
              - id: evening
                when: { keywords_any: [噪音], time_of_day: "18:00-21:00" }
                then: { department: urban-management }
              - id: small-hours
                when: { keywords_any: [噪音], time_of_day: "01:00-03:00" }
                then: { department: urban-management }
            """)
        #expect(
            found.map(\.description) == [
                "routing/t.yaml:5:5: warning: rules[1]: rule \"late-night\" is never reached: "
                    + "the earlier rule \"night\" (line 2) matches every complaint it matches",
                "routing/t.yaml:11:5: warning: rules[3]: rule \"small-hours\" is never reached: "
                    + "the earlier rule \"night\" (line 2) matches every complaint it matches",
            ])
    }
}
