import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// OpenDocument spreadsheets (.ods, LibreOffice Calc and WPS): cells read by their typed values,
/// Calc's runs of repeated rows and cells spread out, the first shown table chosen.
@Suite("OpenDocument spreadsheet reader")
struct OpenDocumentReaderTests {
    static func spreadsheet(
        _ body: String, styles: String = "", mimetype: String = "application/vnd.oasis.opendocument.spreadsheet"
    ) -> [UInt8] {
        WorkbookBuilder.openDocument(body: body, styles: styles, mimetype: mimetype)
    }

    static func cell(_ text: String) -> String { WorkbookBuilder.openDocumentCell(text) }

    @Test("typed values: numbers with their digits, dates (midnight too), times, booleans, percentages, errors")
    func values() throws {
        let body = """
            <table:table table:name="工单"><table:table-column table:number-columns-repeated="1024"/>\
            <table:table-row>\(Self.cell("编号"))\(Self.cell("时间"))\(Self.cell("号码"))\(Self.cell("时长"))\
            \(Self.cell("是否"))\(Self.cell("比例"))\(Self.cell("错误"))</table:table-row>\
            <table:table-row>\
            <table:table-cell office:value-type="float" office:value="20261103001"><text:p>2.03E+10</text:p></table:table-cell>\
            <table:table-cell office:value-type="date" office:date-value="2026-11-03T08:15:02.400"><text:p>11/3/26</text:p></table:table-cell>\
            <table:table-cell office:value-type="float" office:value="13812345678"><text:p>138-1234-5678</text:p></table:table-cell>\
            <table:table-cell office:value-type="time" office:time-value="PT00H01M05S"><text:p>00:01:05</text:p></table:table-cell>\
            <table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>\
            <table:table-cell office:value-type="percentage" office:value="0.30000000000000004"><text:p>30%</text:p></table:table-cell>\
            <table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" \
            calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>\
            </table:table-row>\
            <table:table-row>\
            <table:table-cell office:value-type="date" office:date-value="2026-11-04"/>\
            <table:table-cell office:value-type="date" office:date-value="2026-11-01"><text:p>2026-11-01 00:00:00</text:p>\
            </table:table-cell>\
            <table:table-cell office:value-type="time" office:time-value="PT26H00M00S"/>\
            <table:table-cell office:value-type="currency" office:currency="CNY" office:value="12.5"/>\
            <table:table-cell office:value-type="float" office:value="3.3010219900101101E+17"/>\
            </table:table-row></table:table>
            """
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body))
        #expect(read.sheet == "工单" && read.others.isEmpty)
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["编号", "时间", "号码", "时长", "是否", "比例", "错误"],
                ["20261103001", "2026-11-03 08:15:02", "13812345678", "00:01:05", "TRUE", "0.3", "#DIV/0!"],
                ["2026-11-04", "2026-11-01 00:00:00", "26:00:00", "12.5", "3.30102199001011E+17"],
            ])
    }

    @Test("runs of repeated rows and cells are spread out; covered cells keep their columns; line numbers as Calc's")
    func repeats() throws {
        let body = """
            <table:table table:name="S">\
            <table:table-row>\(Self.cell("a"))<table:table-cell table:number-columns-repeated="2"/>\(Self.cell("d"))\
            <table:table-cell table:number-columns-repeated="16380"/></table:table-row>\
            <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>\
            <table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string" \
            table:number-columns-repeated="2"><text:p>同</text:p></table:table-cell></table:table-row>\
            <table:table-header-rows><table:table-row><table:table-cell table:number-columns-spanned="2" \
            office:value-type="float" office:value="7"/><table:covered-table-cell/>\(Self.cell("z"))\
            </table:table-row></table:table-header-rows>\
            <table:table-row table:number-rows-repeated="1048568"><table:table-cell/></table:table-row>\
            </table:table>
            """
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body))
        #expect(read.records.map(\.line) == [1, 5, 6, 7])
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["a", "", "", "d"], ["同", "同"], ["同", "同"], ["7", "", "z"],
            ])
    }

    @Test("a cell's text: paragraphs as lines, spaces, tabs, line breaks, styled runs and links; never its comment")
    func text() throws {
        let body = """
            <table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">\
            <office:annotation><dc:creator>坐席</dc:creator><text:p>批注不是内容</text:p></office:annotation>\
            <text:p>噪音<text:s text:c="3"/>很大<text:tab/>夜间</text:p><text:p><text:span text:style-name="T1">第二</text:span>\
            行<text:line-break/>&amp; <text:a xlink:href="http://example.invalid/">链接</text:a><text:s/></text:p>\
            </table:table-cell><table:table-cell office:value-type="string" office:string-value="属性里的文字"/>\
            </table:table-row></table:table>
            """
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body))
        #expect(WorkbookReaderTests.fields(read.records) == [["噪音   很大\t夜间\n第二行\n& 链接 ", "属性里的文字"]])
    }

    @Test("the first shown table is read, hidden ones skipped, the others named")
    func tableChoice() throws {
        let styles = """
            <style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>\
            <style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
            """
        let body = """
            <table:table table:name="隐藏" table:style-name="ta2"><table:table-row>\(Self.cell("hidden"))</table:table-row></table:table>\
            <table:table table:name="工单" table:style-name="ta1"><table:table-row>\(Self.cell("shown"))</table:table-row></table:table>\
            <table:table table:name="说明" table:style-name="ta1"><table:table-row>\(Self.cell("other"))</table:table-row></table:table>
            """
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body, styles: styles))
        #expect(read.sheet == "工单" && read.others == ["隐藏", "说明"])
        #expect(WorkbookReaderTests.fields(read.records) == [["shown"]])
    }

    @Test("refused: a text document, a password, no content part, no table, a row of values repeated past any call log")
    func refusals() throws {
        let odt = Self.spreadsheet("", mimetype: "application/vnd.oasis.opendocument.text")
        #expect(WorkbookReaderTests.error(odt) == .notWorkbook("an OpenDocument text or presentation (.odt, .odp)"))
        let encrypted = WorkbookBuilder.openDocument(
            body: "",
            manifest: """
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">\
                <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">\
                <manifest:encryption-data manifest:checksum-type="SHA1/1K"><manifest:algorithm \
                manifest:algorithm-name="Blowfish CFB"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>
                """)
        #expect(WorkbookReaderTests.error(encrypted).map { "\($0)".contains("saved with a password") } == true)
        let noContent = WorkbookBuilder.zip(
            [("mimetype", Array("application/vnd.oasis.opendocument.spreadsheet".utf8))], deflate: false)
        #expect(WorkbookReaderTests.error(noContent).map(WorkbookReaderTests.isDamaged) == true)
        #expect(WorkbookReaderTests.error(Self.spreadsheet("")) == .damaged("it has no worksheet"))
        let flood = """
            <table:table table:name="S"><table:table-row table:number-rows-repeated="100000">\(Self.cell("x"))\
            </table:table-row></table:table>
            """
        #expect(WorkbookReaderTests.error(Self.spreadsheet(flood)).map(WorkbookReaderTests.isDamaged) == true)
        let wide = """
            <table:table table:name="S"><table:table-row><table:table-cell table:number-columns-repeated="16384"/>\
            \(Self.cell("x"))</table:table-row></table:table>
            """
        #expect(WorkbookReaderTests.error(Self.spreadsheet(wide)).map(WorkbookReaderTests.isDamaged) == true)
    }

    @Test(
        "a row a few bytes of XML make longer than 1 MiB (repeated cells, spaces) is read as too long, not into memory")
    func longRows() throws {
        let long = String(repeating: "长", count: 100)
        let body = """
            <table:table table:name="S"><table:table-row>\(Self.cell("a"))</table:table-row>\
            <table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="16384">\
            <text:p>\(long)</text:p></table:table-cell></table:table-row>\
            <table:table-row><table:table-cell office:value-type="string"><text:p>x\
            \(String(repeating: #"<text:s text:c="32767"/>"#, count: 1_000))</text:p></table:table-cell></table:table-row>\
            <table:table-row>\(Self.cell("b"))</table:table-row></table:table>
            """
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body))
        #expect(read.records.map(\.line) == [1, 2, 3, 4])
        guard case .oversized(let fields, let limit) = read.records[1].kind else {
            Issue.record("row 2 is not too long: \(read.records[1].kind)")
            return
        }
        #expect(limit == 1 << 20 && !fields.isEmpty && fields.allSatisfy { $0 == long })
        guard case .oversized(_, _) = read.records[2].kind else {
            Issue.record("row 3 is not too long")
            return
        }
        #expect(read.records[3].fields == ["b"])
    }

    @Test("30,000 rows across the inflater's pieces, in order")
    func manyRows() throws {
        var body = #"<table:table table:name="S">"#
        for row in 1...30_000 {
            body += "<table:table-row>\(Self.cell("T-\(row)"))<table:table-cell office:value-type=\"float\" "
            body += "office:value=\"\(13_800_000_000 + row)\"/></table:table-row>"
        }
        body += "</table:table>"
        let read = try WorkbookReaderTests.read(Self.spreadsheet(body))
        #expect(read.records.count == 30_000)
        #expect(read.records.last?.fields == ["T-30000", "13800030000"])
        #expect(read.records.map(\.line) == Array(1...30_000))
    }
}
