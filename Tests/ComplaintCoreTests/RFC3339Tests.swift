import ComplaintCore
import Foundation
import Testing

/// RFC 3339 formatting and parsing, checked against Foundation's Gregorian calendar.
struct RFC3339Tests {
    /// An independent oracle for the civil-date arithmetic: Foundation's calendar in UTC.
    static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        -> Date
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)!
    }

    @Test(arguments: [
        (date(2026, 11, 29, 9, 12, 3), "2026-11-29T09:12:03Z"),
        (Date(timeIntervalSince1970: 0), "1970-01-01T00:00:00Z"),
        (date(2000, 2, 29, 23, 59, 59), "2000-02-29T23:59:59Z"),
        (date(2100, 3, 1), "2100-03-01T00:00:00Z"),
        (date(2024, 2, 29, 12), "2024-02-29T12:00:00Z"),
        (date(1969, 12, 31, 23, 59, 59), "1969-12-31T23:59:59Z"),
        (date(1900, 2, 28), "1900-02-28T00:00:00Z"),
        (date(9999, 12, 31, 23, 59, 59), "9999-12-31T23:59:59Z"),
    ])
    func format(date: Date, expected: String) {
        #expect(RFC3339.format(date) == expected)
    }

    @Test(arguments: [
        (1_796_030_000.999, "2026-11-30T09:13:20Z"),
        (1_796_030_000.001, "2026-11-30T09:13:20Z"),
        (-0.5, "1969-12-31T23:59:59Z"),
        (-86_400.25, "1969-12-30T23:59:59Z"),
    ])
    func formatTruncatesFractionsTowardThePast(seconds: Double, expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func formatClampsToFourDigitYears() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1e12)) == "0000-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e12)) == "9999-12-31T23:59:59Z")
    }

    @Test(arguments: [
        ("2026-11-29T09:12:03Z", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29t09:12:03z", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29 09:12:03Z", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29T17:12:03+08:00", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29T01:12:03-08:00", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-28T23:42:03-09:30", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29T14:42:03+05:30", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29T09:12:03+00:00", date(2026, 11, 29, 9, 12, 3)),
        ("2026-11-29T09:12:03-00:00", date(2026, 11, 29, 9, 12, 3)),
        ("2027-01-01T07:59:59+08:00", date(2026, 12, 31, 23, 59, 59)),
        ("2000-02-29T00:00:00Z", date(2000, 2, 29)),
        ("2024-02-29T00:00:00Z", date(2024, 2, 29)),
        ("2100-03-01T00:00:00Z", date(2100, 3, 1)),
        ("1970-01-01T00:00:00Z", Date(timeIntervalSince1970: 0)),
        ("1969-12-31T16:00:00-08:00", Date(timeIntervalSince1970: 0)),
        ("0000-01-01T00:00:00Z", Date(timeIntervalSince1970: -62_167_219_200)),
    ])
    func parse(text: String, expected: Date) {
        #expect(RFC3339.parse(text) == expected)
    }

    @Test(arguments: [
        ("2026-11-29T09:12:03.5Z", 0.5),
        ("2026-11-29T09:12:03.25Z", 0.25),
        ("2026-11-29T09:12:03.123456Z", 0.123456),
        ("2026-11-29T09:12:03.123456789Z", 0.123456),
        ("2026-11-29T17:12:03.750+08:00", 0.75),
    ])
    func parseFractions(text: String, fraction: Double) throws {
        let parsed = try #require(RFC3339.parse(text))
        let whole = Self.date(2026, 11, 29, 9, 12, 3).timeIntervalSince1970
        #expect(abs(parsed.timeIntervalSince1970 - whole - fraction) < 1e-6)
        #expect(RFC3339.format(parsed) == "2026-11-29T09:12:03Z")
    }

    @Test(arguments: [
        "",
        "2026-11-29",
        "2026-11-29T09:12:03",  // no zone
        "2026-13-01T00:00:00Z",  // month 13
        "2026-00-01T00:00:00Z",  // month 0
        "2026-01-32T00:00:00Z",  // day 32
        "2026-01-00T00:00:00Z",  // day 0
        "2026-02-30T00:00:00Z",  // Feb 30
        "2026-02-29T00:00:00Z",  // not a leap year
        "2100-02-29T00:00:00Z",  // centuries are not leap years
        "2026-04-31T00:00:00Z",  // April has 30 days
        "2026-11-29T24:00:00Z",  // hour 24
        "2026-11-29T09:60:00Z",  // minute 60
        "2026-11-29T09:12:60Z",  // leap second, rejected on purpose
        "2026-11-29T09:12:03+24:00",
        "2026-11-29T09:12:03+08:60",
        "2026-11-29T09:12:03+0800",
        "2026-11-29T09:12:03+08",
        "2026-11-29T09:12:03.Z",  // empty fraction
        "2026-11-29T09:12:03,5Z",
        "2026-11-29T09:12:03ZZ",
        "2026-11-29T09:12:03Z ",
        " 2026-11-29T09:12:03Z",
        "2026-11-29X09:12:03Z",
        "2026/11/29T09:12:03Z",
        "2026-1-29T09:12:03Z",
        "26-11-29T09:12:03Z",
        "+2026-11-29T09:12:03Z",
        "２０２６-11-29T09:12:03Z",  // full-width digits
        "2026-11-29T9:12:03Z",
        "not a date",
    ])
    func parseRejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    /// Every 7th day from 1601 to 2400 (which covers all leap-year rules) at a varying time of
    /// day: formatting matches the calendar oracle, and parsing the result gives the date back.
    @Test func roundTripsAcrossCenturies() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = Self.date(1601, 1, 1).timeIntervalSince1970
        let end = Self.date(2400, 12, 31).timeIntervalSince1970
        var seconds = start
        var step = 0
        while seconds < end {
            let date = Date(timeIntervalSince1970: seconds)
            let text = RFC3339.format(date)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
                parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!
            )
            #expect(text == expected)
            #expect(RFC3339.parse(text) == date)
            step += 1
            seconds += Double(7 * 86_400 + (step * 7919) % 86_400)
        }
    }

    @Test(arguments: [-12, -9, -8, -5, -3, 0, 1, 5, 8, 9, 14])
    func roundTripsThroughOffsets(offsetHours: Int) throws {
        let instant = Self.date(2024, 2, 29, 3, 4, 5)
        let local = instant.addingTimeInterval(Double(offsetHours * 3600))
        let utcText = RFC3339.format(local)
        let sign = offsetHours < 0 ? "-" : "+"
        let text = utcText.dropLast() + sign + String(format: "%02d:00", abs(offsetHours))
        #expect(RFC3339.parse(String(text)) == instant)
    }
}
