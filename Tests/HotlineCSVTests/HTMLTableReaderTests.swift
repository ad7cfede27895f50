import Foundation
import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// "Excel exports" that are web pages: an HTML table saved under an `.xls` name, read as Excel
/// opens it.
@Suite("HTML table exports")
struct HTMLTableReaderTests {
    static func gbk(_ text: String) throws -> [UInt8] {
        try Transcoder.encoder(for: .gb18030).convert(Array(text.utf8))
    }

    @Test("an ASP.NET-style GB2312 page: header cells, entities, <br> and white space, colspan, a totals row")
    func gridViewExport() throws {
        let page = """
            <meta http-equiv="Content-Type" content="text/html; charset=gb2312"/>
            <style> .text { mso-number-format:\\@; } td { border: 1px solid } </style>
            <table cellspacing="0" rules="all" border="1" id="GridView1">
              <tr><th scope="col">工单编号</th><th scope="col">来电时间</th><th>来电号码</th><th>诉求内容</th></tr>
              <TR><TD class="text">GD001</TD><td>2026/11/3 8:15:02</td><td>13812345678</td>
                <td>  工地&nbsp;噪音 &amp; 扬尘<br>
                  凌晨   还在打桩&#21495;&#x53F7;</td></TR>
              <tr></tr>
              <tr><td colspan="2">合计</td><td>1</td></tr>
            </table>
            """
        let read = try WorkbookReaderTests.read(try Self.gbk(page))
        #expect(read.records.map(\.line) == [1, 2, 4])
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["工单编号", "来电时间", "来电号码", "诉求内容"],
                ["GD001", "2026/11/3 8:15:02", "13812345678", "工地 噪音 & 扬尘\n凌晨 还在打桩号号"],
                ["合计", "", "1"],
            ])
    }

    @Test("a UTF-8 page with a byte-order mark: comments, scripts and styles are no rows or text")
    func utf8Page() throws {
        let page = """
            \u{FEFF}<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8">
            <script>var x = "<tr><td>no</td></tr>";</script></head><body>
            <!-- <tr><td>commented out</td></tr> -->
            <table><tr><td>工单编号</td><td>诉求内容</td></tr>
            <tr><td x:str>T1</td><td><p>路灯不亮</p><p>已经三天</p></td></tr></table></body></html>
            """
        let read = try WorkbookReaderTests.read(Array(page.utf8))
        #expect(WorkbookReaderTests.fields(read.records) == [["工单编号", "诉求内容"], ["T1", "路灯不亮\n已经三天"]])
        #expect(read.records.map(\.line) == [1, 2])
    }

    @Test("20,000 rows in GB18030 across the reader's pieces, characters cut at their edges, whole and in order")
    func manyRows() throws {
        var page = "<table>\n<tr><td>工单编号</td><td>诉求内容</td></tr>\n"
        for row in 1...20_000 { page += "<tr><td>GD\(row)</td><td>市民反映第\(row)号路灯不亮</td></tr>\n" }
        page += "</table>"
        let read = try WorkbookReaderTests.read(try Self.gbk(page))
        #expect(read.records.count == 20_001)
        #expect(read.records.map(\.line) == Array(1...20_001))
        #expect(read.records.last?.fields == ["GD20000", "市民反映第20000号路灯不亮"])
        #expect(read.records.allSatisfy { !$0.fields.joined().contains("\u{FFFD}") })
    }

    @Test("a bare < in a cell is text; a cell longer than the row limit makes its row too long, not held whole")
    func sloppyAndHugeCells() throws {
        let huge = String(repeating: "很长的诉求内容", count: 60_000)
        let page = "<table><tr><td>a < b, 1<2</td><td>c</td></tr><tr><td>T2</td><td>\(huge)</td></tr></table>"
        let read = try WorkbookReaderTests.read(Array(page.utf8))
        #expect(read.records.first?.fields == ["a < b, 1<2", "c"])
        guard case .oversized(let fields, _) = read.records.last?.kind else {
            Issue.record("the long row was read as \(String(describing: read.records.last?.kind))")
            return
        }
        #expect(fields == ["T2"])
    }

    @Test(
        "rowspan: the cells below move right past a merged cell, as Excel lays them out, and take its text in its first column; a new table starts clear"
    )
    func rowSpans() throws {
        let page = """
            <table>
              <tr><th>部门</th><th>工单编号</th><th>诉求内容</th></tr>
              <tr><td rowspan="3">城管</td><td>GD1</td><td>占道经营</td></tr>
              <tr><td>GD2</td><td>噪音</td></tr>
              <tr></tr>
              <tr><td>GD3</td><td rowspan="2" colspan="2">合并的说明</td><td>尾</td></tr>
              <tr><td>GD4</td><td>后</td></tr>
              <tr><td rowspan="9">跨表</td><td>x</td></tr>
            </table>
            <table><tr><td>新表</td><td>y</td></tr></table>
            """
        let read = try WorkbookReaderTests.read(Array(page.utf8))
        #expect(read.records.map(\.line) == [1, 2, 3, 5, 6, 7, 8])
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["部门", "工单编号", "诉求内容"],
                ["城管", "GD1", "占道经营"],
                ["城管", "GD2", "噪音"],
                ["GD3", "合并的说明", "", "尾"],
                ["GD4", "合并的说明", "", "后"],
                ["跨表", "x"],
                ["新表", "y"],
            ])
        #expect(read.records.filter(\.filledDown).map(\.line) == [3, 6])
    }

    @Test("a row hidden by its style (Excel saves a hidden row as <tr style='display:none'>) is read and marked")
    func hiddenRow() throws {
        let page = """
            <table>
              <tr><td>工单编号</td><td>诉求内容</td></tr>
              <tr height=0 style='display:none'><td>GD1</td><td>噪音</td></tr>
              <tr style="color: red; DISPLAY : None"><td>GD2</td><td>停水</td></tr>
              <tr style="display:block"><td>GD3</td><td>路灯</td></tr>
            </table>
            """
        let read = try WorkbookReaderTests.read(Array(page.utf8))
        #expect(read.records.map(\.line) == [1, 2, 3, 4])
        #expect(read.records.filter(\.hidden).map(\.line) == [2, 3])
    }

    @Test("an XHTML page (its XML declaration first, naming its encoding) is a web page; an XML spreadsheet is not")
    func xhtmlPage() throws {
        let page = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml"><body><table><tr><td>工单编号</td></tr><tr><td>GD1</td></tr></table></body></html>
            """
        #expect(WorkbookReader.isWebPage(Array(page.utf8)))
        #expect(try WorkbookReaderTests.read(Array(page.utf8)).records.map(\.fields) == [["工单编号"], ["GD1"]])
        // Big5, which the fallback for text that is not UTF-8 (GB18030) would misread.
        let big5 = try Transcoder(from: "UTF-8", to: "BIG5", replacement: [0x3F]).convert(
            Array(
                page.replacingOccurrences(of: "UTF-8", with: "Big5").replacingOccurrences(of: "工单编号", with: "工單編號").utf8
            ))
        #expect(try WorkbookReaderTests.read(big5).records.map(\.fields) == [["工單編號"], ["GD1"]])
        let spreadsheet = #"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">"#
        #expect(!WorkbookReader.isWebPage(Array(spreadsheet.utf8)))
    }

    @Test("a web page with no table is refused as such")
    func noTable() throws {
        let error = #expect(throws: WorkbookError.self) {
            try WorkbookReaderTests.read(Array("<html><body><p>导出失败</p></body></html>".utf8))
        }
        #expect(error?.description.contains("a web page with no table in it") == true)
    }
}
