import Foundation
import HotlineCSVAdapter
import Testing

/// "XML Spreadsheet 2003" files, as Excel 2002–2003 saved them and as many systems still export
/// them (under an `.xls` or `.xml` name): read as Excel opens them.
@Suite("XML Spreadsheet 2003 exports")
struct XMLSpreadsheetReaderTests {
    /// A workbook laid out as Excel writes one, its sheets' XML given.
    static func workbook(declaration: String = #"<?xml version="1.0"?>"#, _ sheets: String) -> String {
        """
        \(declaration)
        <?mso-application progid="Excel.Sheet"?>
        <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
         xmlns:o="urn:schemas-microsoft-com:office:office"
         xmlns:x="urn:schemas-microsoft-com:office:excel"
         xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
         xmlns:html="http://www.w3.org/TR/REC-html40">
         <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">
          <Author>坐席</Author><Created>2026-11-03T00:15:02Z</Created><Version>11.9999</Version>
         </DocumentProperties>
         <ExcelWorkbook xmlns="urn:schemas-microsoft-com:office:excel">
          <WindowHeight>8700</WindowHeight><ProtectStructure>False</ProtectStructure>
         </ExcelWorkbook>
         <Styles>
          <Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Center"/>
           <Font ss:FontName="宋体" x:CharSet="134" ss:Size="12"/></Style>
          <Style ss:ID="s21"><NumberFormat ss:Format="yyyy\\-mm\\-dd\\ hh:mm:ss"/></Style>
          <Style ss:ID="s22"><NumberFormat ss:Format="Short Date"/></Style>
          <Style ss:ID="s23"><NumberFormat ss:Format="[h]:mm:ss"/></Style>
          <Style ss:ID="s24" ss:Parent="s21"><Font ss:Bold="1"/></Style>
          <Style ss:ID="s25"><NumberFormat ss:Format="Long Time"/></Style>
          <Style ss:ID="s26"><NumberFormat ss:Format="@"/></Style>
         </Styles>
        \(sheets)
        </Workbook>
        """
    }

    static let hiddenSheet = """
        <Worksheet ss:Name="隐藏的字典">
         <Table><Row><Cell><Data ss:Type="String">不是工单</Data></Cell></Row></Table>
         <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">
          <Visible>SheetHidden</Visible>
         </WorksheetOptions>
        </Worksheet>
        """

    static let callSheet = """
        <Worksheet ss:Name="工单">
         <Table ss:ExpandedColumnCount="6" ss:ExpandedRowCount="9" x:FullColumns="1" x:FullRows="1">
          <Column ss:Width="80"/>
          <Row>
           <Cell><Data ss:Type="String">工单编号</Data></Cell><Cell><Data ss:Type="String">来电时间</Data></Cell>
           <Cell><Data ss:Type="String">来电号码</Data></Cell><Cell><Data ss:Type="String">诉求内容</Data></Cell>
           <Cell><Data ss:Type="String">时长</Data></Cell><Cell><Data ss:Type="String">已回访</Data></Cell>
          </Row>
          <Row ss:Index="3" ss:AutoFitHeight="0">
           <Cell ss:StyleID="s26"><Data ss:Type="String">20261103001</Data></Cell>
           <Cell ss:StyleID="s21"><Data ss:Type="DateTime">2026-11-03T08:15:02.000</Data></Cell>
           <Cell><Data ss:Type="Number">13812345678</Data></Cell>
           <Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>工地</B><Font
              html:Color="#FF0000">夜间施工</Font>&#10;凌晨 &amp; 两点</ss:Data><Comment ss:Author="班长"><ss:Data
              xmlns="http://www.w3.org/TR/REC-html40"><B>班长:</B><Font>批注不是诉求</Font></ss:Data></Comment></Cell>
           <Cell ss:StyleID="s23"><Data ss:Type="DateTime">1899-12-31T00:01:05.000</Data></Cell>
           <Cell><Data ss:Type="Boolean">1</Data></Cell>
          </Row>
          <Row>
           <Cell ss:MergeAcross="1"><Data ss:Type="String">T-2 合并</Data></Cell>
           <Cell ss:Formula="=1/0"><Data ss:Type="Error">#DIV/0!</Data></Cell>
           <!-- Rounded to the second, as Excel shows it: 23:59:59.6 is the next day's 0:00:00. -->
           <Cell ss:Index="5" ss:StyleID="s25"><Data ss:Type="DateTime">1899-12-31T23:59:59.600</Data></Cell>
          </Row>
          <Row ss:Span="2"/>
          <Row>
           <Cell><Data ss:Type="Number">0.30000000000000004</Data></Cell>
           <Cell ss:StyleID="s22"><Data ss:Type="DateTime">2026-11-04T00:00:00.000</Data></Cell>
           <Cell ss:StyleID="s22"><Data ss:Type="Number">46329</Data></Cell>
           <Cell ss:StyleID="s24"><Data ss:Type="DateTime">2026-11-05T23:59:59.000</Data></Cell>
           <Cell><Data ss:Type="DateTime">2026-11-06T07:00:00.000</Data></Cell>
           <Cell><Data ss:Type="Boolean">0</Data></Cell>
          </Row>
          <Row><Cell><Data ss:Type="String"></Data></Cell><Cell ss:Index="3"/></Row>
         </Table>
         <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Selected/></WorksheetOptions>
        </Worksheet>
        <Worksheet ss:Name="统计"><Table/></Worksheet>
        """

    static let expected: [(line: Int, fields: [String])] = [
        (1, ["工单编号", "来电时间", "来电号码", "诉求内容", "时长", "已回访"]),
        (3, ["20261103001", "2026-11-03 08:15:02", "13812345678", "工地夜间施工\n凌晨 & 两点", "0:01:05", "TRUE"]),
        (4, ["T-2 合并", "", "#DIV/0!", "", "00:00:00"]),
        (8, ["0.3", "2026-11-04", "2026-11-03", "2026-11-05 23:59:59", "2026-11-06 07:00:00", "FALSE"]),
    ]

    @Test(
        "Excel's layout: the first visible sheet; rows and cells placed by ss:Index, MergeAcross and Span; data typed; rich text without its comment"
    )
    func excelLayout() throws {
        let read = try WorkbookReaderTests.read(Array(Self.workbook(Self.hiddenSheet + Self.callSheet).utf8))
        #expect(read.sheet == "工单" && read.others == ["隐藏的字典", "统计"])
        #expect(read.records.map(\.line) == Self.expected.map(\.line))
        #expect(read.records.map(\.fields) == Self.expected.map(\.fields))
    }

    @Test(
        "ss:MergeDown: the rows below take the merged cell's text in its first column, past which Excel's ss:Index places their cells"
    )
    func mergedDown() throws {
        let sheet = """
            <Worksheet ss:Name="工单">
             <Table>
              <Row><Cell><Data ss:Type="String">工单编号</Data></Cell><Cell><Data ss:Type="String">诉求类型</Data></Cell>
               <Cell><Data ss:Type="String">诉求内容</Data></Cell><Cell><Data ss:Type="String">坐席</Data></Cell></Row>
              <Row><Cell><Data ss:Type="String">GD1</Data></Cell>
               <Cell ss:MergeDown="2" ss:MergeAcross="1"><Data ss:Type="String">噪音</Data></Cell>
               <Cell><Data ss:Type="String">A017</Data></Cell></Row>
              <Row><Cell><Data ss:Type="String">GD2</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">A018</Data></Cell></Row>
              <Row ss:Index="5"><Cell><Data ss:Type="String">GD3</Data></Cell></Row>
              <Row><Cell><Data ss:Type="String">GD4</Data></Cell><Cell><Data ss:Type="String">路灯</Data></Cell></Row>
             </Table>
            </Worksheet>
            """
        let read = try WorkbookReaderTests.read(Array(Self.workbook(sheet).utf8))
        // Row 4 is covered but not written; row 5 is past the merge.
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["工单编号", "诉求类型", "诉求内容", "坐席"], ["GD1", "噪音", "", "A017"], ["GD2", "噪音", "", "A018"],
                ["GD3"], ["GD4", "路灯"],
            ])
        #expect(read.records.filter(\.filledDown).map(\.line) == [3])
    }

    @Test("in the character set the declaration names (GB2312), in UTF-16 with its mark, and UTF-8 declared as UTF-16")
    func characterSets() throws {
        let sheets = Self.callSheet
        let gb = try Transcoder.encoder(for: .gb18030).convert(
            Array(Self.workbook(declaration: #"<?xml version="1.0" encoding="GB2312"?>"#, sheets).utf8))
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in Self.workbook(declaration: #"<?xml version="1.0" encoding="utf-16"?>"#, sheets).utf16 {
            utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let mislabelled = Array(Self.workbook(declaration: #"<?xml version="1.0" encoding="utf-16"?>"#, sheets).utf8)
        for bytes in [gb, utf16, mislabelled] {
            #expect(WorkbookReader.isXMLSpreadsheet(Array(bytes.prefix(1024))))
            let read = try WorkbookReaderTests.read(bytes)
            #expect(read.sheet == "工单")
            #expect(read.records.map(\.fields) == Self.expected.map(\.fields))
        }
    }

    @Test("LibreOffice's \"MS Excel 2003 XML\" export is told from the file's first bytes")
    func signature() throws {
        let file = try OtherWritersWorkbookTests.fixture("libreoffice-2003.xml")
        #expect(WorkbookReader.mayBeWorkbook(Array(file.prefix(1024))))
        // Another XML document, and a spreadsheet's namespace in a CSV cell, are no workbooks.
        #expect(!WorkbookReader.mayBeWorkbook(Array(#"<?xml version="1.0"?><rss version="2.0"></rss>"#.utf8)))
        #expect(
            !WorkbookReader.mayBeWorkbook(Array("工单编号,备注\nA1,urn:schemas-microsoft-com:office:spreadsheet\n".utf8)))
    }

    @Test(
        "no worksheet, a document cut short, a row numbered 0: each refused with what is wrong; padding after the end is not"
    )
    func damaged() throws {
        func refusal(_ text: String) -> String? {
            do {
                _ = try WorkbookReaderTests.read(Array(text.utf8))
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(Self.workbook("")).map { $0.contains("has no worksheet") } == true)
        let whole = Self.workbook(Self.callSheet)
        // Cut after a whole row: every tag so far is complete, the document is not.
        let cut = String(whole[..<whole.range(of: "</Row>")!.upperBound])
        #expect(refusal(cut).map { $0.contains("the file is cut short") } == true)
        #expect(refusal(String(whole.prefix(whole.count / 2))).map { $0.contains("the file is cut short") } == true)
        // Padding after the document (zero bytes, a line of text) is passed over.
        let padded = try WorkbookReaderTests.read(Array(whole.utf8) + [0x0A, 0x00, 0x00] + Array("完".utf8))
        #expect(padded.records.map(\.fields) == Self.expected.map(\.fields))
        #expect(
            refusal(Self.workbook(#"<Worksheet ss:Name="a"><Table><Row ss:Index="0"/></Table></Worksheet>"#))
                .map { $0.contains("a row is numbered \"0\"") } == true)
    }
}
