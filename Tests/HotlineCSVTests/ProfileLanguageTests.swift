import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// Exports the profile language reads beyond one column per field: date and time in two columns,
/// coordinates, and an export's own word for an empty cell.
@Suite("Profile language")
struct ProfileLanguageTests {
    private func load(_ yaml: String) -> (profile: HotlineProfile?, errors: [String]) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "hotline/t.yaml", diagnostics: diagnostics, environment: [:])
        return (HotlineProfileLoader.read(root, name: "t"), diagnostics.errors.map(\.description))
    }

    @Test("a call time written as a date column and a time column is read as one")
    func dateAndTimeColumns() throws {
        let profile = try #require(
            load(
                """
                date_formats: ["yyyy.M.d H:mm[:ss]", "yyyy/M/d H:mm[:ss]"]
                columns:
                  ticket_id: 工单编号
                  call_time: { header: 来电日期, time_header: 来电时刻, time_aliases: [时刻] }
                  text: 内容
                """
            ).profile)
        let results = try mapFile(
            utf8(
                "工单编号,来电日期,内容,来电时刻\n"
                    + "A1,2026.11.03,a,08:15\n"  // 2
                    // 3: Excel's date cell carries its midnight; the time is ="…" text.
                    + "A2,2026/11/3 0:00:00,b,\"=\"\"8:15:02\"\"\"\n"
                    + "A3,2026.11.03,c,\n"  // 4
                    + "A4,2026.11.03,d,25:00\n"),  // 5
            profile: profile)
        let rows = results.compactMap(\.row)
        #expect(rows.map { RFC3339.format($0.draft.receivedAt) } == ["2026-11-03T00:15:00Z", "2026-11-03T00:15:02Z"])
        #expect(rows.allSatisfy { $0.draft.source.extra.isEmpty })
        let rejected = results.compactMap(\.rejection).map { "\($0.line): \($0.reason)" }
        #expect(rejected.count == 2)
        #expect(rejected.first == "4: required field 来电时刻 is empty")
        #expect(rejected.last?.hasPrefix("5: unparseable call time \"2026.11.03 25:00\"") == true, "\(rejected)")
    }

    @Test(
        "two call-time cells: a date or time Excel exported as its serial number, and every midnight a date cell carries"
    )
    func splitCallTimeSpreadsheetForms() throws {
        let profile = try #require(
            load(
                """
                date_formats: ["yyyy-M-d H:mm[:ss]"]
                columns: { ticket_id: 编号, call_time: { header: 日期, time_header: 时刻 }, text: 内容 }
                """
            ).profile)
        let cells = [
            ("46329", "8:15"),  // a date cell set to General
            ("2026-11-3", "0.34375"),  // a time cell set to General
            ("46329", "0.34375"),  // both
            ("46329.0", "0.635416666666667"),  // LibreOffice's fifteen digits: 15:15
            ("2026-11-03 12:00:00 AM", "8:15"),
            ("2026-11-03 上午12:00:00", "8:15"),
            ("2026-11-03 00:00:00.000", "8:15"),
            ("2026-11-03T00:00:00", "8:15"),
            ("2026-11-03 0时00分", "8:15"),
        ]
        let file =
            "编号,日期,时刻,内容\n" + cells.enumerated().map { "T\($0.offset),\($0.element.0),\($0.element.1),x\n" }.joined()
        let results = try mapFile(utf8(file), profile: profile)
        #expect(results.compactMap(\.rejection).map(\.reason) == [])
        #expect(
            results.compactMap(\.row).map { RFC3339.format($0.draft.receivedAt) }
                == ["2026-11-03T00:15:00Z", "2026-11-03T00:15:00Z", "2026-11-03T00:15:00Z", "2026-11-03T07:15:00Z"]
                + Array(repeating: "2026-11-03T00:15:00Z", count: 5))

        // A date cell with a time of its own that is not midnight, and a number that is no serial, stay refused.
        let refused = try mapFile(
            utf8(
                "编号,日期,时刻,内容\nR1,2026-11-03 12:00:00 PM,8:15,x\nR2,2026-11-03 08:00,8:15,x\nR3,123,8:15,x\nR4,2026-11-3,1.5,x\n"
            ),
            profile: profile
        ).compactMap(\.rejection).map(\.reason)
        #expect(refused.count == 4)
        #expect(refused.first?.hasPrefix("unparseable call time \"2026-11-03 12:00:00 PM 8:15\"") == true, "\(refused)")
    }

    @Test("a file without the time column is refused, naming it; time_header belongs to call_time alone")
    func timeColumnMissingOrMisplaced() throws {
        let profile = try #require(
            load("columns: { ticket_id: 编号, call_time: { header: 日期, time_header: 时刻 }, text: 内容 }").profile)
        #expect(throws: HotlineImportError.self) { try HotlineHeader(["编号", "日期", "内容"], profile: profile) }
        do {
            _ = try HotlineHeader(["编号", "日期", "内容"], profile: profile)
        } catch let error as HotlineImportError {
            #expect(error.message.contains("no column for call_time's time_header (\"时刻\")"), "\(error.message)")
        }
        let misplaced = load("columns: { ticket_id: 编号, call_time: 日期, text: { header: 内容, time_header: 时刻 } }")
        #expect(misplaced.profile == nil)
        #expect(
            misplaced.errors.contains { $0.contains("columns.text.time_header: unknown field") }, "\(misplaced.errors)")
    }

    @Test("lat and lon columns fill location; a value that is no coordinate is kept in source.extra with a warning")
    func coordinates() throws {
        let profile = try #require(
            load(
                """
                time_zone: America/New_York
                columns: { ticket_id: id, call_time: time, text: text, lat: Latitude, lon: Longitude }
                """
            ).profile)
        let rows = try mapFile(
            utf8(
                "id,time,text,Latitude,Longitude\n1,2026-11-03 08:15,a,40.7128,-74.0060\n2,2026-11-03 08:15,b,,\n"
                    + "3,2026-11-03 08:15,c,140.5,(40.7)\n4,2026-11-03 08:15,d,200,120.1\n5,2026-11-03 08:15,e,,-74\n"),
            profile: profile
        ).compactMap(\.row)
        #expect(rows.count == 5)
        #expect(rows[0].draft.location.lat == 40.7128 && rows[0].draft.location.lon == -74.0060)
        #expect(rows[1].draft.location.lat == nil && rows[1].warnings.isEmpty)
        #expect(rows[2].draft.location.lat == nil && rows[2].draft.location.lon == nil)
        #expect(rows[2].draft.source.extra["Latitude"] == .string("140.5"))
        #expect(
            rows[2].warnings == [
                "Latitude \"140.5\" is not a latitude in degrees: kept in source.extra",
                "Longitude \"(40.7)\" is not a longitude in degrees: kept in source.extra",
            ])
        // Half a point is no location: both are kept in source.extra, neither in location.
        for row in rows[3...] {
            #expect(row.draft.location.lat == nil && row.draft.location.lon == nil)
        }
        #expect(rows[3].draft.source.extra == ["Latitude": .string("200"), "Longitude": .string("120.1")])
        #expect(
            rows[3].warnings == [
                "Latitude \"200\" is not a latitude in degrees: kept in source.extra",
                "Longitude \"120.1\" has no latitude beside it: kept in source.extra, a location needs both",
            ])
        #expect(rows[4].draft.source.extra == ["Longitude": .string("-74")])
    }

    @Test("an export's word for an empty cell is read as empty, in any case; a required field so written is rejected")
    func emptyValues() throws {
        let profile = try #require(
            load(
                """
                time_zone: America/New_York
                empty_values: [Unspecified, "N/A"]
                columns: { ticket_id: id, call_time: time, text: { header: text, required: true }, district: Borough }
                """
            ).profile)
        let results = try mapFile(
            utf8("id,time,text,Borough\n1,2026-11-03 08:15,a,UNSPECIFIED\n2,2026-11-03 08:15,n/a,Queens\n"),
            profile: profile)
        let rows = results.compactMap(\.row)
        #expect(rows.count == 1)
        #expect(rows.first?.draft.location.district == nil)
        #expect(results.compactMap(\.rejection).map(\.reason) == ["required field text is empty"])
        #expect(load("empty_values: [\" \"]\ncolumns: { ticket_id: a, call_time: b, text: c }").profile == nil)

        // A text column that is not required takes the row, and says that its text is empty.
        let optional = try #require(
            load("empty_values: [无]\ncolumns: { ticket_id: id, call_time: time, text: 内容 }").profile)
        let taken = try mapFile(utf8("id,time,内容\n1,2026-11-03 08:15,无\n2,2026-11-03 08:16,\n"), profile: optional)
            .compactMap(\.row)
        #expect(taken.map(\.draft.text) == ["", ""])
        #expect(
            taken.map(\.warnings)
                == Array(
                    repeating: [
                        "内容 is empty: the complaint is taken without its text (a profile's text column with "
                            + "required: true rejects such rows)"
                    ], count: 2))
    }
}
