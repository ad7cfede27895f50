import ComplaintCore
import HotlineCSVAdapter
import Testing

/// Rows that hold no call: they are skipped, never sent back as rows to fix.
@Suite struct NotCallRowsTests {
    private static let call = "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,65,\r\n"

    @Test func theHeaderAgainFromJoinedFilesIsSkipped() throws {
        let again = "\u{FEFF}" + RowMapperTests.header
        let results = try mapFile(
            utf8(RowMapperTests.header + Self.call + again + Self.call.replacingGD1(with: "GD2")))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1", "GD2"])
        #expect(results.compactMap(\.rejection).isEmpty)
        #expect(
            results.contains {
                if case .repeatedHeader(line: 3) = $0 { return true }
                return false
            })
    }

    @Test func rowsOfNullMarkersOrFullWidthSpacesAreBlank() throws {
        let rows = [
            "\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N\r\n", "NULL,NULL,,,,,,,,\r\n", "\u{3000},,\u{3000},,,,,,,\r\n",
            String(repeating: "\u{0}", count: 64),
        ]
        let results = try mapFile(utf8(RowMapperTests.header + Self.call + rows.joined()))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1"])
        #expect(results.compactMap(\.rejection).isEmpty)
    }

    @Test(
        "a note under the table (who made it, when, a remark) is skipped and named",
        arguments: [
            (["制表人：张三", "制表时间：2026-11-03 10:00"], "制表人：张三 制表时间：2026-11-03 10:00"),
            (["导出时间", "2026/11/3 10:00"], "导出时间 2026/11/3 10:00"), (["", "备注 : 数据截至昨日"], "备注 : 数据截至昨日"),
            (["注：本表不含重复来电"], "注：本表不含重复来电"), (["Exported by: hotline-system"], "Exported by: hotline-system"),
            (["说明"], "说明"),
        ])
    func footnotes(fields: [String], text: String) throws {
        #expect(HotlineRowMapper.footnoteText(fields) == text)
        let row = fields.map { "\"\($0)\"" }.joined(separator: ",") + "\r\n"
        let results = try mapFile(utf8(RowMapperTests.header + Self.call + row))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD1"])
        #expect(results.compactMap(\.rejection).isEmpty)
        #expect(
            results.contains {
                if case .footnote(line: 3, text: text) = $0 { return true }
                return false
            })
    }

    @Test(
        "a row that only starts like a note is not one: it is read as a call (and rejected if broken)",
        arguments: [
            ["注意：小区门口积水", "2026/11/3 8:15", "停水了"], ["说明书丢了"], ["备注", "GD1", "text"], ["GD001"],
            ["noted"], ["制表人：张三", "", "", "13812345678", "投诉", "text"],
        ])
    func notFootnotes(fields: [String]) {
        #expect(HotlineRowMapper.footnoteText(fields) == nil)
    }

    /// R's write.csv writes a missing value as NA; pandas as nan, None or <NA>.
    @Test func scriptsNullMarkersAreEmptyFields() throws {
        let file =
            RowMapperTests.header + "GD1,2026/11/3 8:15,nan,None,投诉,text,addr,ZX1,65,\r\n"
            + "GD2,2026/11/3 8:15,NA,<NA>,投诉,NA,addr,ZX1,65,\r\n"
        let results = try mapFile(utf8(file))
        let row = try #require(results.first?.row)
        #expect(row.draft.complainant.phone == nil)
        #expect(row.draft.complainant.name == nil)
        #expect(row.warnings.isEmpty)
        #expect(results.last?.rejection?.reason == "required field 诉求内容 is empty")
    }
}

extension String {
    fileprivate func replacingGD1(with ticket: String) -> String {
        ticket + dropFirst(3)
    }
}
