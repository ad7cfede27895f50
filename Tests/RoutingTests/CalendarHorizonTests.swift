import ComplaintCore
import Foundation
import Testing

@testable import Routing

/// A calendar whose holidays stop before the weeks ahead is warned about, not silently used.
@Suite struct CalendarHorizonTests {
    private func warnings(_ yaml: String, now: String) throws -> [String] {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "calendar.yaml", diagnostics: diagnostics, environment: [:])
        let date = try #require(RFC3339.parse(now))
        _ = WorkCalendarReader.read(root, now: date)
        #expect(diagnostics.errors.isEmpty)
        return diagnostics.warnings.map(\.description)
    }

    @Test func holidaysEndingBeforeTheWeeksAheadAreWarnedAbout() throws {
        let yaml = "holidays: [2026-01-01..2026-01-03, 2026-10-01..2026-10-07]\n"
        let late = try warnings(yaml, now: "2026-11-29T08:00:00Z")
        #expect(late.count == 1)
        #expect(
            late.first?.hasPrefix("calendar.yaml:1: warning: holidays: holidays are listed up to 2026 only") == true)
        #expect(late.first?.contains("add the 2027 holidays") == true)
        #expect(try warnings(yaml, now: "2026-06-01T08:00:00Z").isEmpty)
    }

    @Test func aCalendarWithoutHolidaysIsNotWarnedAbout() throws {
        #expect(try warnings("weekend: [sat, sun]\n", now: "2026-12-30T08:00:00Z").isEmpty)
    }
}
