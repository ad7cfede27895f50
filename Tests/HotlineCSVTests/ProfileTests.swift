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
        // A US Excel's "CSV" is Windows-1252; a Chinese one's GB18030.
        #expect(profiles["311"]?.fallbackEncoding == .windows1252)
        #expect(profiles["12345"]?.fallbackEncoding == .gb18030)
    }

    @Test("encoding labels: latin1 and cp1252 are Windows-1252; fallback_encoding takes only a legacy encoding")
    func encodingLabels() throws {
        #expect(CSVEncoding(label: "latin1") == .windows1252)
        #expect(CSVEncoding(label: "CP1252") == .windows1252)
        #expect(CSVEncoding(label: "ISO-8859-1") == .windows1252)
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: """
                encoding: auto
                fallback_encoding: utf-8
                columns:
                  ticket_id: id
                  call_time: time
                """, displayName: "hotline/bad.yaml", diagnostics: diagnostics, environment: [:])
        #expect(HotlineProfileLoader.read(root, name: "bad") == nil)
        #expect(
            diagnostics.errors.map(\.description).contains {
                $0.hasPrefix("hotline/bad.yaml:2: fallback_encoding: fallback_encoding must be gb18030")
            })
    }

    @Test(
        "every call-time format the issue lists reads as 2026-11-03 08:15 Shanghai time",
        arguments: [
            ("2026/11/03 08:15:02", 2), ("2026/11/3 8:15", 0), ("2026-11-03 8:15", 0), ("2026-11-03T08:15:02", 2),
            ("20261103081502", 2), ("2026年11月3日 8时15分", 0), ("2026年11月3日 08:15", 0),
            // Beyond the issue's list: database exports' fractions, WPS's dots, an English Excel's AM.
            ("2026-11-03 08:15:02.000", 2), ("2026-11-03T08:15:02.5", 2), ("2026/11/03 08:15:02.123456", 2),
            ("2026.11.3 8:15", 0), ("2026.11.03 08:15:02", 2), ("2026/11/3 8:15:02 AM", 2), ("2026/11/3 8:15AM", 0),
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
        arguments: [
            "2026/13/45 25:61", "2026-02-30 08:00", "2026-11-03 24:15", "20261103", "N/A", "", "11/03 08:15",
            "2026-11-03 08:15.000", "2026-11-03 08:15:02.", "2026-11-03 08:15:02.0x",
        ])
    func badDates(text: String) throws {
        let profile = try #require(try shippedProfiles()["12345"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        let parsed = parser.parse(text)
        #expect(parsed == nil)
    }

    @Test(
        "an Excel date serial (a date column exported as General) is read as that local time",
        arguments: [
            ("46329.34375", "2026-11-03T00:15:00Z"), ("46329.3437731481", "2026-11-03T00:15:02Z"),
            ("46329", "2026-11-02T16:00:00Z"), (" 46329.5 ", "2026-11-03T04:00:00Z"),
        ])
    func excelSerials(text: String, expected: String) throws {
        let profile = try #require(try shippedProfiles()["12345"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        #expect(parser.parse(text).map(RFC3339.format) == expected)
    }

    @Test(
        "numbers that are no Excel date of this century are refused",
        arguments: ["12345.5", "99999", "46329.", "4632.5", "463290", "46329.5x", "-46329", "46,329"])
    func notExcelSerials(text: String) throws {
        let profile = try #require(try shippedProfiles()["12345"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        #expect(parser.parse(text) == nil)
    }

    @Test("the 311 profile reads Borough = Unspecified as no borough: the address names it")
    func unspecifiedBorough() throws {
        let rows = try mapFile(
            utf8(
                "ticket_id,call_time,content,borough,address\nSR-1,2026-11-03 08:15,noise,Unspecified,50 Bronx Ave\n"
                    + "SR-2,2026-11-03 08:16,noise,N/A,\n"),
            profile: "311"
        ).compactMap(\.row)
        #expect(rows.map(\.draft.location.district) == ["Bronx", nil])
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

    @Test(
        "12-hour clocks: US Excel and 311 exports, and Excel's 上午/下午",
        arguments: [
            ("311", "11/3/2026 15:15", "2026-11-03T20:15:00Z"),
            ("311", "11/03/2026 03:15:02 PM", "2026-11-03T20:15:02Z"),
            ("311", "11/3/2026 12:05 am", "2026-11-03T05:05:00Z"),
            ("311", "11/3/2026 12:05 P.M.", "2026-11-03T17:05:00Z"),
            ("311", "2026-11-03T15:15:02.000", "2026-11-03T20:15:02Z"),
            ("12345", "2026/11/3 下午3:15", "2026-11-03T07:15:00Z"),
            ("12345", "2026/11/3 上午 12:30", "2026-11-02T16:30:00Z"),
            // Some systems write the hour after midnight as 00 with its AM marker.
            ("12345", "2026/11/3 上午 00:15", "2026-11-02T16:15:00Z"),
            ("311", "11/3/2026 0:15 AM", "2026-11-03T05:15:00Z"),
            ("12345", "2026-11-03 下午03:15:02", "2026-11-03T07:15:02Z"),
            ("12345", "2026年11月3日 下午3时15分", "2026-11-03T07:15:00Z"),
            ("12345", "2026年11月3日 上午9时05分30秒", "2026-11-03T01:05:30Z"),
            ("12345", "2026年11月3日 下午3:15", "2026-11-03T07:15:00Z"),
        ])
    func twelveHourClocks(profile name: String, text: String, expected: String) throws {
        let profile = try #require(try shippedProfiles()[name])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        #expect(parser.parse(text).map(RFC3339.format) == expected)
    }

    @Test(
        "a 12-hour time with an hour outside 1-12 (0 with AM aside) or no marker is refused",
        arguments: ["11/3/2026 13:15 PM", "11/3/2026 0:15 PM", "11/3/2026 3:15 XM"])
    func badTwelveHourClocks(text: String) throws {
        let profile = try #require(try shippedProfiles()["311"])
        var parser = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        #expect(parser.parse(text) == nil)
    }

    @Test("h needs a, and a needs h")
    func meridiemPatterns() {
        for pattern in ["M/d/yyyy h:mm", "M/d/yyyy H:mm a"] {
            guard case .failure(let error) = CallTimeFormat.compile(pattern) else {
                Issue.record("\(pattern) compiled")
                continue
            }
            #expect(error.message.contains("needs both h"))
        }
        #expect((try? CallTimeFormat.compile("M/d/yyyy hh:mm a").get()) != nil)
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
                districts: [西湖区, " ", 西湖区, Queens, QUEENS]
                """, displayName: "hotline/bad.yaml", diagnostics: diagnostics, environment: [:])
        #expect(HotlineProfileLoader.read(root, name: "bad") == nil)
        let messages = diagnostics.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:1: encoding: unknown encoding \"klingon\"") })
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:2: time_zone: unknown time zone") })
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:3: date_formats[0]:") })
        #expect(messages.contains { $0.contains("columns.text.colour: unknown field") })
        #expect(messages.contains { $0.contains("needs a ticket_id column") })
        #expect(messages.contains { $0.hasPrefix("hotline/bad.yaml:7: districts[1]: must not be empty") })
        #expect(
            messages.contains { $0.hasPrefix("hotline/bad.yaml:7: districts[2]: district \"西湖区\" is listed twice") })
        // Latin names match in any case, so one spelled twice in two cases is one district listed twice.
        #expect(
            messages.contains {
                $0.hasPrefix("hotline/bad.yaml:7: districts[4]: district \"QUEENS\" is listed twice (as \"Queens\")")
            })
    }
}
