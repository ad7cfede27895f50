import ComplaintCore
import HotlineCSVAdapter
import Testing

/// What files written by scripts and databases hold rather than Excel: pandas' floats and
/// timedeltas, zone-aware times with their UTC offset, snake_case headers.
@Suite("Script and database exports")
struct ScriptExportTests {
    private static let header = RowMapperTests.header

    private func row(_ fields: String) throws -> HotlineRowResult {
        try #require(try mapFile(utf8(Self.header + fields + "\r\n")).first)
    }

    @Test(
        "a call time with its UTC offset is read at that offset, not the profile's zone",
        arguments: [
            ("2026-11-03 08:15:02+08:00", "2026-11-03T00:15:02Z"),
            ("2026-11-03 08:15:02+0800", "2026-11-03T00:15:02Z"),
            ("2026-11-03 08:15:02 +08", "2026-11-03T00:15:02Z"),
            ("2026-11-03T00:15:02Z", "2026-11-03T00:15:02Z"),
            ("2026-11-03 00:15:02 UTC", "2026-11-03T00:15:02Z"),
            ("2026/11/3 8:15 UTC+8", "2026-11-03T00:15:00Z"),
            ("2026-11-02 19:15:02-05:00", "2026-11-03T00:15:02Z"),
        ])
    func explicitOffsets(text: String, instant: String) throws {
        let row = try #require(try row("GD1,\(text),13812345678,,投诉,text,addr,ZX1,10,").row)
        #expect(RFC3339.format(row.draft.receivedAt) == instant)
    }

    @Test(
        "an offset after no time, or past 14 hours, is no call time",
        arguments: ["2026-11-03+08:00", "2026-11-03 08:15+15:00"])
    func badOffsets(text: String) throws {
        let result = try row("GD1,\(text),13812345678,,投诉,text,addr,ZX1,10,")
        #expect(
            result.rejection?.reason.hasPrefix(
                "unparseable call time \"\(text)\": no pattern of profile 12345's date_formats matches it (yyyy/M/d H:mm[:ss[.S]], "
            ) == true)
    }

    @Test("pandas' float ticket ids and phone numbers keep their digits")
    func pandasFloats() throws {
        let row = try #require(try row("20261103001.0,2026/11/3 8:15,13812345678.0,,投诉,text,addr,ZX1,10,").row)
        #expect(row.draft.source.externalID == "20261103001")
        #expect(row.draft.complainant.phone == "+8613812345678")
        #expect(row.warnings.isEmpty)
    }

    @Test("a script's scientific notation with every digit is that number; without them it is refused")
    func scriptScientific() throws {
        let exact = try #require(try row("2.0261103001e+10,2026/11/3 8:15,1.3812345678e+10,,投诉,text,addr,ZX1,10,").row)
        #expect(exact.draft.source.externalID == "20261103001")
        #expect(exact.draft.complainant.phone == "+8613812345678")
        let lossy = try #require(try row("GD1,2026/11/3 8:15,1.381234e+10,,投诉,text,addr,ZX1,10,").row)
        #expect(lossy.draft.complainant.phone == nil)
        #expect(
            lossy.warnings == [
                "phone \"1.381234e+10\" was written as a floating-point number by a script or export; digits lost"
            ])
        let excel = try #require(try row("GD1,2026/11/3 8:15,1.38123E+10,,投诉,text,addr,ZX1,10,").row)
        #expect(excel.warnings == ["phone \"1.38123E+10\" was mangled by Excel; digits lost"])
        let ticket = try row("2.026110e+10,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,")
        #expect(
            ticket.rejection?.reason.hasPrefix("ticket id \"2.026110e+10\" was written as a floating-point number")
                == true)
    }

    @Test("a database's null marker, \\N or NULL, is an empty field")
    func databaseNulls() throws {
        let row = try #require(try row("GD1,2026/11/3 8:15,\\N,NULL,\\N,text,NULL,ZX1,10,\\N").row)
        #expect(row.draft.complainant.phone == nil)
        #expect(row.draft.complainant.name == nil)
        #expect(row.draft.category == nil)
        #expect(row.draft.location.address == nil)
        #expect(row.draft.source.extra["回访结果"] == nil)
        #expect(row.warnings.isEmpty)
        let required = try self.row("GD2,\\N,13812345678,,投诉,text,addr,ZX1,10,")
        #expect(required.rejection?.reason == "required field 来电时间 is empty")
    }

    @Test("the DOS end-of-file mark (Ctrl-Z) after the last row is no row")
    func dosEndOfFile() throws {
        let results = try mapFile(
            utf8(Self.header + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,\r\n\u{1A}"))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1"])
        #expect(results.compactMap(\.rejection).isEmpty)
    }

    @Test("snake_case and hyphenated headers name the same columns as spaced ones (311 profile)")
    func snakeCaseHeaders() throws {
        let file =
            "Ticket ID,Call-Time,Caller,Name,Complaint Type,Description,Incident_Address,Agent,Duration\r\n"
            + "A1,11/3/2026 15:15,212-555-0127,,Complaint,loud,1 Main St,a1,60\r\n"
        let row = try #require(try mapFile(utf8(file), profile: "311").first?.row)
        #expect(row.draft.source.externalID == "A1")
        #expect(RFC3339.format(row.draft.receivedAt) == "2026-11-03T20:15:00Z")
        #expect(row.draft.category == "投诉")
        #expect(row.draft.text == "loud")
        #expect(row.draft.location.address == "1 Main St")
        #expect(row.draft.source.extra["Incident_Address"] == nil)
        #expect(row.draft.source.extra["duration_s"] == .number(60))
    }
}
