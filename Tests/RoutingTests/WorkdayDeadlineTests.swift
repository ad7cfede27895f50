import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Deadlines in hours and in working days on config/calendar.yaml")
struct WorkdayDeadlineTests {
    /// October 2026 in China: 1–7 holiday (国庆), Saturday 10 a make-up working day (调休).
    static let calendar = Data(
        """
        time_zone: Asia/Shanghai
        holidays: [2026-10-01..2026-10-07]
        workdays: [2026-10-10]
        """.utf8)

    static let table = """
        rules:
          - id: five-workdays
            when: { keywords_any: [五天] }
            then: { department: water-supply, due: 5 workdays }
          - id: one-workday
            when: { keywords_any: [一天] }
            then: { due: 1 workday }
          - id: hours
            when: { keywords_any: [小时] }
            then: { due: 72h }
        """

    func due(_ text: String, received: String) throws -> String? {
        let routed = try router(table: Self.table, files: ["calendar.yaml": Self.calendar])
        return routed.decide(complaint(text, received: received)).dueAt.map(RFC3339.format)
    }

    @Test("working days skip the holiday week and count the make-up Saturday")
    func acrossHoliday() throws {
        // Received Wed 30 Sep (Shanghai). Working days after it: Thu 8, Fri 9, Sat 10 (调休),
        // Mon 12, Tue 13 → end of Tue 13 Oct, 23:59:59 +08:00.
        #expect(try due("五天", received: "2026-09-30T02:00:00Z") == "2026-10-13T15:59:59Z")
        // Without the make-up day it would be Wednesday 14.
        let plain = try router(
            table: Self.table, files: ["calendar.yaml": Data("holidays: [2026-10-01..2026-10-07]".utf8)])
        #expect(
            plain.decide(complaint("五天", received: "2026-09-30T02:00:00Z")).dueAt.map(RFC3339.format)
                == "2026-10-14T15:59:59Z")
    }

    @Test("the day of receipt does not count; it is the local day that matters")
    func localDay() throws {
        // 2026-11-27 Friday 17:00Z is Saturday 01:00 in Shanghai: the next working day is Monday 30.
        #expect(try due("一天", received: "2026-11-27T17:00:00Z") == "2026-11-30T15:59:59Z")
        // Friday 10:00 Shanghai: one working day is Monday too.
        #expect(try due("一天", received: "2026-11-27T02:00:00Z") == "2026-11-30T15:59:59Z")
        // Thursday: Friday.
        #expect(try due("一天", received: "2026-11-26T02:00:00Z") == "2026-11-27T15:59:59Z")
    }

    @Test("hours are elapsed time, holidays or not")
    func hours() throws {
        #expect(try due("小时", received: "2026-09-30T02:00:00Z") == "2026-10-03T02:00:00Z")
    }

    @Test("without calendar.yaml, Saturday and Sunday are the only days off")
    func noCalendar() throws {
        let routed = try router(table: Self.table)
        #expect(
            routed.decide(complaint("五天", received: "2026-09-30T02:00:00Z")).dueAt.map(RFC3339.format)
                == "2026-10-07T15:59:59Z")
    }

    @Test("a calendar with another time zone and weekend")
    func otherZone() throws {
        let calendar = Data("time_zone: America/New_York\nweekend: [fri, sat]\n".utf8)
        let routed = try router(table: Self.table, files: ["calendar.yaml": calendar])
        // Thu 26 Nov 2026 10:00 New York (EST, -05:00) → Friday and Saturday off → Sunday 29, 23:59:59 -05:00.
        #expect(
            routed.decide(complaint("一天", received: "2026-11-26T15:00:00Z")).dueAt.map(RFC3339.format)
                == "2026-11-30T04:59:59Z")
    }

    @Test("due parses hours and working days in English and Chinese")
    func parsing() {
        #expect(Due(parsing: "72h") == .hours(72))
        #expect(Due(parsing: "24 hours") == .hours(24))
        #expect(Due(parsing: "5 workdays") == .workdays(5))
        #expect(Due(parsing: "5个工作日") == .workdays(5))
        #expect(Due(parsing: "5 days") == nil)
        #expect(Due(parsing: "0h") == nil)
        // Typed with a Chinese input method: full-width digits and an ideographic space.
        #expect(Due(parsing: "７２小时") == .hours(72))
        #expect(Due(parsing: "５\u{3000}个工作日") == .workdays(5))
    }

    @Test("calendar errors are located")
    func calendarErrors() throws {
        let fixture = try RoutingFixture(
            tables: ["t": Self.table],
            files: [
                "calendar.yaml": Data(
                    "time_zone: Mars/Olympus\nholidays: [2026-02-30]\nworkdays: [2026-10-01]\nweekend: [fri, someday]\n"
                        .utf8)
            ])
        defer { fixture.remove() }
        let (_, diagnostics) = fixture.load(
            section: "routing:\n  tables: [t]\n  default: { department: citizen-services }\n")
        let text = diagnostics.errors.map(\.description)
        #expect(text.contains { $0.hasPrefix("calendar.yaml:1:12: time_zone: unknown time zone \"Mars/Olympus\"") })
        #expect(text.contains { $0.hasPrefix("calendar.yaml:2:12: holidays[0]: expected a date") })
        #expect(text.contains { $0.hasPrefix("calendar.yaml:4:16: weekend[1]: unknown weekday \"someday\"") })
    }
}
