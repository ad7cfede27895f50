import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// The shipped profiles, loaded once.
func shippedProfiles() throws -> [String: HotlineProfile] {
    let diagnostics = ConfigDiagnostics()
    let profiles = HotlineProfileLoader.loadAll(
        directory: configDirectory.appendingPathComponent("hotline"), diagnostics: diagnostics, environment: [:])
    try diagnostics.throwIfErrors()
    return profiles
}

@Suite("Column profiles")
struct ProfileTests {
    @Test("the shipped 12345 and 311 profiles load, named by their files")
    func shipped() throws {
        let profiles = try shippedProfiles()
        #expect(Set(profiles.keys) == ["12345", "311"])
        #expect(profiles["12345"]?.timeZone.identifier == "Asia/Shanghai")
        #expect(profiles["311"]?.timeZone.identifier == "America/New_York")
    }

    @Test(
        "every call-time format the issue lists reads as 2026-11-03 08:15 Shanghai time",
        arguments: [
            ("2026/11/03 08:15:02", 2), ("2026/11/3 8:15", 0), ("2026-11-03 8:15", 0), ("2026-11-03T08:15:02", 2),
            ("20261103081502", 2), ("2026年11月3日 8时15分", 0), ("2026年11月3日 08:15", 0),
        ])
    func dateFormats(text: String, seconds: Int) throws {
        let profile = try #require(try shippedProfiles()["12345"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        let parsed = parser.parse(text)
        let date = try #require(parsed)
        #expect(RFC3339.format(date) == "2026-11-03T00:15:0\(seconds)Z")
    }

    @Test(
        "impossible call times are refused",
        arguments: ["2026/13/45 25:61", "2026-02-30 08:00", "2026-11-03 24:15", "20261103", "N/A", "", "11/03 08:15"])
    func badDates(text: String) throws {
        let profile = try #require(try shippedProfiles()["12345"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        let parsed = parser.parse(text)
        #expect(parsed == nil)
    }

    @Test("the 311 profile reads New York time across daylight saving")
    func newYork() throws {
        let profile = try #require(try shippedProfiles()["311"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        let summer = parser.parse("2026-07-01 09:00").map(RFC3339.format)
        let winter = parser.parse("2026-12-01 09:00").map(RFC3339.format)
        #expect(summer == "2026-07-01T13:00:00Z")
        #expect(winter == "2026-12-01T14:00:00Z")
    }

    @Test("a bad profile reports every problem with file, line and field")
    func badProfile() {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: """
                encoding: klingon
                time_zone: Mars/Olympus
                date_formats: ["yyyy-M-d Q"]
                columns:
                  call_time: 时间
                  text: { header: 内容, colour: red }
                """, displayName: "hotline/bad.yaml", diagnostics: diagnostics, environment: [:])
        #expect(HotlineProfileLoader.read(root, name: "bad") == nil)
        let messages = diagnostics.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:1: encoding: unknown encoding \"klingon\"") })
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:2: time_zone: unknown time zone") })
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:3: date_formats[0]:") })
        #expect(messages.contains { $0.contains("columns.text.colour: unknown field") })
        #expect(messages.contains { $0.contains("needs a ticket_id column") })
    }
}
