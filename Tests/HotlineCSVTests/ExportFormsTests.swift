import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// How call-centre systems write values that are not plain text: lengths of calls in their
/// many forms, and ids wrapped in Excel's text formula to keep their leading zeros.
@Suite struct ExportFormsTests {
    @Test(arguments: [
        ("65", 65), ("65.4", 65), ("65.5", 66), ("0", 0), ("65s", 65), ("65 s", 65), ("65秒", 65), ("65秒钟", 65),
        ("1:05", 65), ("01:05", 65), ("00:01:05", 65), ("1:00:00", 3600), ("25:00:01", 90001),
        ("1分05秒", 65), ("1分5秒", 65), ("1分钟5秒", 65), ("2分钟", 120), ("1小时2分", 3720), ("1时2分3秒", 3723),
        ("1h2m5s", 3725), ("3m20s", 200), ("1 min 5 sec", 65), ("2 minutes", 120),
        ("0 days 00:01:05", 65), ("0 days 00:01:05.000000", 65), ("1 day 00:00:10", 86410), ("2 days 01:00:00", 176400),
    ])
    func lengthsOfCalls(text: String, seconds: Int) {
        #expect(CallDuration.seconds(text) == seconds)
    }

    @Test(arguments: [
        "", "三分钟", "abc", "5分3分", "1:75", "1:2:3:4", ":05", "1::05", "5秒1分", "1.2.3", "-5", "65x", "1分05",
        "days 00:01:05", "x days 00:01:05", "0 days", "0 days 00:75:00",
    ])
    func notLengths(text: String) {
        #expect(CallDuration.seconds(text) == nil)
    }

    /// The 12345 profile with its 通话时长 read as `type: duration` (the shipped one reads whole seconds).
    private func durationProfile() throws -> HotlineProfile {
        var profile = try #require(try shippedProfiles()["12345"])
        let index = try #require(profile.columns.firstIndex { $0.field == .extra("duration_s") })
        profile.columns[index].type = .duration
        return profile
    }

    @Test func durationColumnsStoreSeconds() throws {
        let file =
            RowMapperTests.header
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,00:03:20,\r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,3分20秒,\r\n"
            + "GD3,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,200,\r\n"
            + "GD4,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,三分钟,\r\n"
        let results = try mapFile(utf8(file), profile: try durationProfile())
        let rows = results.compactMap(\.row)
        #expect(rows.map { $0.draft.source.extra["duration_s"] } == Array(repeating: .number(200), count: 3))
        #expect(
            results.compactMap(\.rejection).map(\.reason) == [
                "通话时长 \"三分钟\" is not a length of time (such as 65, 1:05 or 1分05秒)"
            ])
    }

    /// What the sample call logs count as malformed (gen_calls.py's bad durations) stays
    /// rejected under the shipped profile, whose 通话时长 is whole seconds.
    /// `0:03:25` is how the workbook reader writes an Excel time cell.
    @Test(arguments: ["3分20秒", "N/A", "12.5s", "-", "约5分钟", "1:35", "0:03:25"])
    func theShippedProfileTakesWholeSecondsOnly(duration: String) throws {
        let file = RowMapperTests.header + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,\(duration),\r\n"
        let reasons = try mapFile(utf8(file)).compactMap(\.rejection).map(\.reason)
        // A length of time in another form says which profile setting would take it.
        let hint = ["3分20秒", "12.5s", "1:35", "0:03:25"].contains(duration) ? durationHint : ""
        #expect(reasons == ["通话时长 \"\(duration)\" is not a whole number" + hint])
    }

    @Test func excelTextFormulasAreTheirText() throws {
        let file =
            RowMapperTests.header
            // Unquoted, and quoted as Excel writes a field with quotes inside.
            + "=\"GD001\",2026/11/3 8:15,=\"013812345678\",,投诉,text,addr,=\"007\",65,\r\n"
            + "\"=\"\"GD002\"\"\",2026/11/3 8:15,\"=\"\"057187654321\"\"\",,投诉,\"=\"\"say \"\"\"\"hi\"\"\"\"\"\"\",addr,ZX1,65,\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows.map(\.ticket) == ["GD001", "GD002"])
        #expect(rows.map(\.draft.complainant.phone) == ["+8613812345678", "+8657187654321"])
        #expect(rows.map(\.warnings) == [[], []])
        #expect(rows.first?.draft.source.extra["agent"] == .string("007"))
        #expect(rows.last?.draft.text == "say \"hi\"")
    }

    @Test func textThatOnlyLooksLikeAFormulaIsKept() throws {
        let file =
            RowMapperTests.header
            + "GD1,2026/11/3 8:15,13812345678,,投诉,\"=\"\"a\"\" and \"\"b\"\"\",addr,ZX1,65,\r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,=\",addr,ZX1,65,\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows.map(\.draft.text) == ["=\"a\" and \"b\"", "=\""])
    }

    @Test func fullWidthHeadersNameTheSameColumns() throws {
        let file =
            "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长（秒）\r\n"
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows.first?.draft.source.extra["duration_s"] == .number(65))
    }

    @Test func emptyFieldsPastTheLastColumnAreIgnoredMissingOnesAreNot() throws {
        let file =
            RowMapperTests.header
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,,,, \r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,,x\r\n"
            + "GD3,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1\r\n"
        let results = try mapFile(utf8(file))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1"])
        #expect(
            results.compactMap(\.rejection).map(\.reason) == [
                "expected 10 columns, found 11", "expected 10 columns, found 8",
            ])
    }

    @Test func aRowAnUnquotedCommaWidenedIsRefusedNotShifted() throws {
        let file =
            RowMapperTests.header
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,西湖区文三路1号,ZX1,65,\r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,text,西湖区,文三路1号,ZX1,65,\r\n"
        let results = try mapFile(utf8(file))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1"])
        #expect(results.compactMap(\.rejection).map(\.reason) == ["expected 10 columns, found 11"])
    }

    /// The widened row comes first: the rows after it show the file's width.
    @Test func aFirstRowAnUnquotedCommaWidenedIsRefusedNotShifted() throws {
        let split = "GD1,2026/11/3 8:15,13812345678,,投诉,楼上装修,周末也施工,西湖区文三路1号,1024,65,\r\n"
        let good = "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,满意\r\n"
        let results = try mapFile(utf8(RowMapperTests.header + split + ",,,,,,,,,\r\n" + good))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD2"])
        #expect(results.compactMap(\.rejection).map(\.line) == [2])
        #expect(results.compactMap(\.rejection).map(\.reason) == ["expected 10 columns, found 11"])
        // Alone in its file, or followed by rows as wide, it is a trailing comma.
        #expect(try mapFile(utf8(RowMapperTests.header + split)).compactMap(\.row).map(\.ticket) == ["GD1"])
        let wide = "GD3,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,,\r\n"
        let rows = try mapFile(utf8(RowMapperTests.header + wide + wide.replacingOccurrences(of: "GD3", with: "GD4")))
        #expect(rows.compactMap(\.row).map(\.ticket) == ["GD3", "GD4"])
    }

    /// Old Excel (KB 77295) writes the empty cells of trailing columns for the first rows only.
    @Test func rowsLackingTheHeadersUnnamedTrailingColumnsAreTaken() throws {
        let header = RowMapperTests.header.replacingOccurrences(of: "\r\n", with: ",,\r\n")
        let full = "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,满意,,\r\n"
        let short = "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,满意\r\n"
        let between = "GD3,2026/11/3 8:15,13812345678,,投诉,text,西湖区,文三路1号,ZX1,65,满意\r\n"
        let cut = "GD4,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65\r\n"
        let results = try mapFile(utf8(header + full + short + between + cut))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1", "GD2"])
        #expect(results.compactMap(\.row).last?.draft.source.extra["回访结果"] == .string("满意"))
        #expect(
            results.compactMap(\.rejection).map(\.reason) == [
                "expected 12 columns, found 11", "expected 12 columns, found 9",
            ])
    }

    @Test func anExportThatEndsEveryRowWithACommaIsTaken() throws {
        let file =
            RowMapperTests.header
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,,\r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,满意,\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows.map(\.ticket) == ["GD1", "GD2"])
        #expect(rows.last?.draft.source.extra["回访结果"] == .string("满意"))
    }

    /// 12345 exports carry 来电时间 and 受理时间, 来电号码 and 联系电话 side by side.
    @Test func twoColumnsForOneFieldTheProfilesFirstNameFeedsItTheOtherIsKept() throws {
        let profile = try #require(try shippedProfiles()["12345"])
        let names = ["工单编号", "受理时间", "联系电话", "来电时间", "来电号码", "诉求内容", "通话时长"]
        let header = try HotlineHeader(names, line: 1, profile: profile)
        #expect(
            header.notes == [
                "columns 2 and 4 both name call_time: \"来电时间\" is used, \"受理时间\" goes to source.extra",
                "columns 3 and 5 both name phone: \"来电号码\" is used, \"联系电话\" goes to source.extra",
            ])
        var mapper = HotlineRowMapper(profile: profile, header: header)
        let records = try readRecords(
            utf8(
                names.joined(separator: ",") + "\r\n"
                    + "GD1,2026/11/3 9:00,13900001111,2026/11/3 8:15,13812345678,路灯不亮,65\r\n"),
            encoding: .utf8)
        let row = try #require(mapper.map(records[1]).row)
        #expect(RFC3339.format(row.draft.receivedAt) == "2026-11-03T00:15:00Z")
        #expect(row.draft.complainant.phone == "+8613812345678")
        #expect(row.draft.source.extra["受理时间"] == .string("2026/11/3 9:00"))
        #expect(row.draft.source.extra["联系电话"] == .string("13900001111"))
    }

    @Test func twoColumnsWithTheSameNameAreStillRefused() throws {
        let profile = try #require(try shippedProfiles()["12345"])
        #expect(throws: HotlineImportError.self) {
            try HotlineHeader(["工单编号", "来电时间", "来电时间", "诉求内容", "通话时长"], line: 1, profile: profile)
        }
    }

    /// The one row of a file whose phone cell is `cell`.
    private func rowWithPhoneCell(_ cell: String) throws -> HotlineRow {
        let file = RowMapperTests.header + "GD1,2026/11/3 8:15,\"\(cell)\",,投诉,text,addr,ZX1,65,\r\n"
        return try #require(try mapFile(utf8(file)).first?.row)
    }

    /// Agents type a caller's second number into the same cell.
    @Test(arguments: [
        ("13812345678/0571-87654321", "+8613812345678"), ("13812345678、13912345678", "+8613812345678"),
        ("0571-87654321 / 13812345678", "+8657187654321"), ("87654321；13812345678", "+8657187654321"),
    ])
    func aCellWithTwoNumbersGivesTheFirst(cell: String, first: String) throws {
        let row = try rowWithPhoneCell(cell)
        #expect(row.draft.complainant.phone == first)
        #expect(row.draft.source.extra["complainant_phone_raw"] == .string(cell))
        #expect(row.warnings == ["phone \"\(cell)\" holds more than one number: the first, \(first), is used"])
    }

    @Test func aLocalNumberWithAnExtensionTakesTheAreaCode() throws {
        let row = try rowWithPhoneCell("87654321转8001")
        #expect(row.draft.complainant.phone == "+8657187654321")
        #expect(row.draft.source.extra["complainant_phone_extension"] == .string("8001"))
        #expect(row.warnings.isEmpty)
    }

    @Test(arguments: ["13812345678/abc", "1381234/5678", "12345/95598x"])
    func aCellWithANumberAndSomethingElseStaysInvalid(cell: String) throws {
        let row = try rowWithPhoneCell(cell)
        #expect(row.draft.complainant.phone == nil)
        #expect(row.warnings == ["phone \"\(cell)\" is not a valid phone number"])
    }
}

/// Columns the profile does not know keep every value, whatever their names.
@Suite struct ExtraColumnsTests {
    @Test func twoColumnsWithOneNameKeepBothValues() throws {
        let profile = try #require(try shippedProfiles()["12345"])
        let names = ["工单编号", "来电时间", "诉求内容", "坐席工号", "备注", "备注", "agent", "line", "reason", "通话时长"]
        let header = try HotlineHeader(names, profile: profile)
        #expect(
            header.notes == [
                "column 6 (\"备注\") has the name column 5 uses: its values go to source.extra as \"备注_2\"",
                "column 7 (\"agent\") has the name the profile uses: its values go to source.extra as \"agent_2\"",
            ])
        let file = names.joined(separator: ",") + "\r\nGD1,2026/11/3 8:15,text,A01,回访1,回访2,王五,2,吵,65\r\n"
        let row = try #require(try mapFile(utf8(file)).first?.row)
        #expect(
            row.draft.source.extra == [
                "agent": .string("A01"), "备注": .string("回访1"), "备注_2": .string("回访2"), "agent_2": .string("王五"),
                "line": .string("2"), "reason": .string("吵"), "duration_s": .number(65),
            ])
    }

    @Test func aRejectedRowsFileSentBackDropsItsLineAndReason() throws {
        let file = "工单编号,来电时间,诉求内容,通话时长,line,reason\r\nGD1,2026/11/3 8:15,text,65,2,\"unparseable call time\"\r\n"
        let row = try #require(try mapFile(utf8(file)).first?.row)
        #expect(row.draft.source.extra == ["duration_s": .number(65)])
    }
}
