import Foundation
import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// Excel workbooks (.xlsx) read as a call log's records: cells by column, dates by their number
/// formats, numbers with all their digits, line numbers as Excel shows them.
@Suite("Excel workbook reader")
struct WorkbookReaderTests {
    /// Reads `bytes` as a workbook file (its `sheetOrder`-th shown sheet); the records, the sheet
    /// read and the others.
    static func read(
        _ bytes: [UInt8], sheetOrder: Int = 0
    ) throws -> (records: [CSVRecord], sheet: String, others: [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("calls.xlsx")
        try Data(bytes).write(to: file)
        let reader = try WorkbookReader(path: file.path, spillDirectory: directory.path, sheetOrder: sheetOrder)
        var records: [CSVRecord] = []
        // Progress: the bytes read on opening and those each step reads add up to the file's size.
        var consumed = reader.bytesBeforeSheet
        while true {
            let step = try reader.step { records.append($0) }
            if step == 0 { break }
            consumed += step
        }
        #expect(abs(consumed - bytes.count) <= 1)
        // Nothing left behind: the strings' temporary file is unlinked as soon as it is made.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["calls.xlsx"])
        return (records, reader.sheetName, reader.otherSheets)
    }

    static func fields(_ records: [CSVRecord]) -> [[String]] { records.map(\.fields) }

    @Test("shared and inline strings, dates, times, durations and long numbers as Excel writes them")
    func excelCells() throws {
        // Style 1: a custom date-time format; 2: built-in date (14); 3: [h]:mm:ss; 4: built-in time
        // (21); 5: yyyy"年"m"月"d"日" (31, Chinese Excel's long date).
        let styles = WorkbookBuilder.styles(
            custom: [176: "yyyy/m/d\\ h:mm:ss;@", 177: "[h]:mm:ss"], cellFormats: [176, 14, 177, 21, 31])
        let strings = ["工单编号", "来电时间", "来电号码", "诉求内容", "时长", "A & B <c>", "第一行_x000D_\n第二行"]
        let rows = """
            <row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>\
            <c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>
            <row r="2" spans="1:5"><c r="A2"><v>20261103001</v></c><c r="B2" s="1"><v>46329.343773148148</v></c>\
            <c r="C2"><v>13812345678</v></c><c r="D2" t="s"><v>5</v></c><c r="E2" s="3"><v>7.5231481481481482E-4</v></c></row>
            <row r="4" spans="1:5"><c r="A4" t="inlineStr"><is><t>T-2</t></is></c><c r="B4" s="2"><v>46329</v></c>\
            <c r="D4" t="s"><v>6</v></c><c r="F4" s="0"/></row>
            <row r="5"><c r="A5" t="str"><f>"T-"&amp;3</f><v>T-3</v></c><c r="B5" s="4"><v>0.34375</v></c>\
            <c r="C5" t="e"><v>#N/A</v></c><c r="D5" t="b"><v>1</v></c><c r="E5"><v>0.30000000000000004</v></c></row>
            <row r="6"><c r="A6" s="5"><v>46329</v></c><c r="B6"><v>1.5E-3</v></c><c r="C6"><v>3.3010219900101101E+17</v></c></row>
            <row r="7" customHeight="1" ht="30"/>
            """
        let book = WorkbookBuilder.workbook(
            sheets: [.init(name: "工单", rows: rows)], sharedStrings: strings, styles: styles)
        let read = try Self.read(book)
        #expect(read.sheet == "工单" && read.others.isEmpty)
        #expect(read.records.map(\.line) == [1, 2, 4, 5, 6])
        #expect(
            Self.fields(read.records) == [
                ["工单编号", "来电时间", "来电号码", "诉求内容", "时长"],
                ["20261103001", "2026-11-03 08:15:02", "13812345678", "A & B <c>", "0:01:05"],
                ["T-2", "2026-11-03", "", "第一行\r\n第二行"],
                ["T-3", "08:15:00", "#N/A", "TRUE", "0.3"],
                ["2026-11-03", "0.0015", "3.30102199001011E+17"],
            ])
    }

    @Test("rich text runs are joined, phonetic guides left out, entities and CDATA read")
    func richText() async throws {
        let shared = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">\
            <si><r><rPr><b/></rPr><t>噪音</t></r><r><t xml:space="preserve"> 扰民 &#x2014; &#22826;吵</t></r>\
            <rPh sb="0" eb="2"><t>ソウオン</t></rPh></si><si><t><![CDATA[a<b & c]]></t></si></sst>
            """
        var members = try await Self.members(
            WorkbookBuilder.workbook(sheets: [
                .init(
                    name: "Sheet1", rows: #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#)
            ]))
        members.append(("xl/sharedStrings.xml", Array(shared.utf8)))
        let read = try Self.read(WorkbookBuilder.zip(members))
        #expect(Self.fields(read.records) == [["噪音 扰民 — 太吵", "a<b & c"]])
    }

    @Test("parts found through the relationships, as some generators name them; a Word file with its own is still one")
    func partsByRelationship() throws {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let type = "http://purl.oclc.org/ooxml/officeDocument/relationships"  // strict OOXML's
        let members: [(name: String, bytes: [UInt8])] = [
            (
                "_rels/.rels",
                #"<Relationships><Relationship Id="r1" Type="\#(type)/officeDocument" Target="/book/workbook2.xml"/></Relationships>"#
            ),
            (
                "book/workbook2.xml",
                #"<x:workbook xmlns:x="\#(main)" xmlns:r="r"><x:sheets><x:sheet name="A" sheetId="1" r:id="s1"/></x:sheets></x:workbook>"#
            ),
            (
                "book/_rels/workbook2.xml.rels",
                #"<Relationships><Relationship Id="s1" Type="\#(type)/worksheet" Target="sheets/one.xml"/>"#
                    + #"<Relationship Id="s2" Type="\#(type)/sharedStrings" Target="../strings.xml"/>"#
                    + #"<Relationship Id="s3" Type="\#(type)/styles" Target="look.xml"/></Relationships>"#
            ),
            (
                "book/sheets/one.xml",
                #"<x:worksheet xmlns:x="\#(main)"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c>"#
                    + #"<x:c r="B1" s="1"><x:v>46329.5</x:v></x:c></x:row></x:sheetData></x:worksheet>"#
            ),
            ("strings.xml", #"<sst><si><t>工单</t></si></sst>"#),
            ("book/look.xml", #"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="22"/></cellXfs></styleSheet>"#),
        ].map { ($0.0, Array($0.1.utf8)) }
        let read = try Self.read(WorkbookBuilder.zip(members))
        #expect(Self.fields(read.records) == [["工单", "2026-11-03 12:00:00"]])
        let docx = WorkbookBuilder.zip(
            [
                (
                    "_rels/.rels",
                    #"<Relationships><Relationship Id="r1" Type="\#(type)/officeDocument" Target="word/document.xml"/></Relationships>"#
                ),
                ("word/document.xml", "<w:document/>"),
            ].map { ($0.0, Array($0.1.utf8)) })
        #expect(Self.error(docx) == .notWorkbook("a Word document (.docx)"))
    }

    @Test("the first visible worksheet is read; a hidden one before it is passed over and others are named")
    func sheetChoice() throws {
        let book = WorkbookBuilder.workbook(
            sheets: [
                .init(
                    name: "说明", rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>hidden</t></is></c></row>"#,
                    state: "hidden"),
                .init(name: "工单", rows: #"<row r="3"><c r="B3" t="inlineStr"><is><t>calls</t></is></c></row>"#),
                .init(name: "统计", rows: #"<row r="1"><c r="A1"><v>1</v></c></row>"#),
            ], deflate: false)
        let read = try Self.read(book)
        #expect(read.sheet == "工单")
        #expect(read.others == ["说明", "统计"])
        #expect(read.records == [CSVRecord(line: 3, kind: .fields(["", "calls"]))])
    }

    @Test("a sheet of many rows streams through the inflater's pieces whole and in order")
    func manyRows() throws {
        let count = 30_000
        var rows = ""
        rows.reserveCapacity(count * 120)
        for row in 1...count {
            rows +=
                "<row r=\"\(row)\"><c r=\"A\(row)\" t=\"inlineStr\"><is><t>T\(row)</t></is></c>"
                + "<c r=\"B\(row)\" t=\"inlineStr\"><is><t>市民反映第\(row)号楼夜间施工噪音扰民</t></is></c><c r=\"C\(row)\"><v>\(row)</v></c></row>"
        }
        let read = try Self.read(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)]))
        #expect(read.records.count == count)
        #expect(
            read.records.enumerated().allSatisfy {
                $0.element.line == $0.offset + 1 && $0.element.fields[2] == "\($0.offset + 1)"
            })
        #expect(read.records.last?.fields[1] == "市民反映第\(count)号楼夜间施工噪音扰民")
    }

    @Test("many shared strings, named in first-use order and again out of order, read back right")
    func manySharedStrings() throws {
        // 20,000 strings: several blocks of ends (4,096 each) and more than the cache (8,192) holds;
        // column B names an early string again, as a category or an agent column does.
        let count = 20_000
        let strings = (0..<count).map { "投诉内容 \($0) " + String(repeating: "长", count: $0 % 300) }
        var rows = ""
        for index in 0..<count {
            let again = (index * 7_919) % (index + 1)
            rows +=
                "<row r=\"\(index + 1)\"><c r=\"A\(index + 1)\" t=\"s\"><v>\(index)</v></c>"
                + "<c r=\"B\(index + 1)\" t=\"s\"><v>\(again)</v></c></row>"
        }
        let read = try Self.read(
            WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)], sharedStrings: strings))
        #expect(read.records.count == count)
        let wrong = read.records.enumerated().filter { index, record in
            record.fields != [strings[index], strings[(index * 7_919) % (index + 1)]]
        }
        #expect(wrong.isEmpty, "first wrong row: \(wrong.first?.offset ?? -1)")
    }

    @Test("custom number formats are told apart: dates, times, elapsed time, plain numbers")
    func formatKinds() throws {
        let cases: [(String, String)] = [
            ("yyyy-mm-dd hh:mm:ss", "2026-11-03 08:15:02"), ("yyyy\"年\"m\"月\"d\"日\"", "2026-11-03 08:15:02"),
            ("[$-804]aaaa;@", "46329.343773148148"), ("h:mm AM/PM", "2026-11-03 08:15:02"),
            ("[Red]0.00;[Blue]-0.00", "46329.3437731481"), ("0.00E+00", "46329.3437731481"),
            ("#,##0", "46329.3437731481"), ("@", "46329.3437731481"), ("mm:ss", "2026-11-03 08:15:02"),
        ]
        for (index, (format, expected)) in cases.enumerated() {
            let styles = WorkbookBuilder.styles(custom: [164: format], cellFormats: [164])
            let rows = #"<row r="1"><c r="A1" s="1"><v>46329.343773148148</v></c></row>"#
            let read = try Self.read(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)], styles: styles))
            // `aaaa` (the weekday in Chinese) shows no date letters the reader knows: read as a number.
            let want = index == 2 ? "46329.3437731481" : expected
            #expect(read.records.first?.fields == [want], "format \(format)")
        }
    }

    @Test("the 1904 date system of old Mac workbooks")
    func date1904() throws {
        let styles = WorkbookBuilder.styles(cellFormats: [22])
        let rows = #"<row r="1"><c r="A1" s="1"><v>44867.343773148148</v></c></row>"#
        let read = try Self.read(
            WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)], styles: styles, date1904: true))
        #expect(read.records.first?.fields == ["2026-11-03 08:15:02"])
    }

    @Test("a number too large for a date or a duration, in a cell formatted as one, is shown as a number")
    func numbersPastDates() throws {
        let styles = WorkbookBuilder.styles(cellFormats: [22, 46])
        let rows =
            #"<row r="1"><c r="A1" s="1"><v>1E+300</v></c><c r="B1" s="2"><v>-1E+300</v></c>"#
            + #"<c r="C1" s="2"><v>1E+300</v></c><c r="D1" s="1"><v>-1</v></c></row>"#
        let read = try Self.read(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)], styles: styles))
        #expect(read.records.first?.fields == ["1E+300", "-1E+300", "1E+300", "-1"])
    }

    @Test("damaged, cut short, encrypted or not a workbook: refused with what it is")
    func refusals() throws {
        let book = WorkbookBuilder.workbook(
            sheets: [
                .init(name: "S", rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>一二三四五六七八九十</t></is></c></row>"#)
            ])
        // A flipped byte inside the sheet's compressed data fails the checksum or the inflater.
        var damaged = book
        let sheetAt = try #require(Self.find(Array("xl/worksheets/sheet1.xml".utf8), in: book))
        damaged[sheetAt + 40] ^= 0x55
        #expect(Self.error(damaged).map(Self.isDamaged) == true)
        // Cut short: the end record is gone.
        #expect(
            Self.error(Array(book.prefix(book.count / 2)))
                == .damaged("it is zipped, as an Excel workbook (.xlsx) is, but cut short: its end record is missing"))
        // A Word document.
        let docx = WorkbookBuilder.zip([
            ("[Content_Types].xml", Array("<Types/>".utf8)), ("word/document.xml", Array("<w:document/>".utf8)),
        ])
        #expect(Self.error(docx) == .notWorkbook("a Word document (.docx)"))
        #expect(Self.error(docx)?.code == "not_csv")
        let xlsb = WorkbookBuilder.zip([("xl/workbook.bin", [1, 2, 3])])
        #expect(Self.error(xlsb)?.code == "unreadable_workbook")
        // The encryption flag on the workbook part.
        var encrypted = WorkbookBuilder.zip([("xl/workbook.xml", Array("<workbook/>".utf8))], deflate: false)
        encrypted[6] |= 1
        let directory = try #require(Self.find([0x50, 0x4B, 0x01, 0x02], in: encrypted))
        encrypted[directory + 8] |= 1
        #expect(Self.error(encrypted).map { "\($0)".contains("encrypted") } == true)
    }

    @Test("a sheet whose XML is out of shape (a stray end tag, a row numbered 0) is refused or read, never crashes")
    func strayTags() throws {
        // The fuzzer's find: `</c>` with no cell open wrote to column 0.
        let stray = #"<row r="1"></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></rPh></c></row>"#
        let read = try Self.read(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: stray)]))
        #expect(Self.fields(read.records) == [["", "x"]])
        // The fuzzer's second find: a cell left open when the next row began, its `</c>` there
        // set column 0 of the new row.
        let open =
            #"<row r="1"><c r="B1" t="inlineStr"><is><t>x</t></is><row r="2"><v>1</v></c><c r="A2"><v>2</v></c></row>"#
        #expect(
            Self.fields(try Self.read(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: open)])).records) == [
                ["2"]
            ])
        let zero = #"<row r="0"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#
        #expect(
            Self.error(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: zero)])).map(Self.isDamaged) == true)
    }

    @Test("a row longer than 1 MiB (one long string named by every column) is read as too long, as a CSV row is")
    func longRow() throws {
        let cells = String(repeating: #"<c t="s"><v>0</v></c>"#, count: 16_384)
        let rows = #"<row r="1"><c r="A1" t="s"><v>1</v></c></row><row r="2">\#(cells)</row>"#
        let book = WorkbookBuilder.workbook(
            sheets: [.init(name: "S", rows: rows)], sharedStrings: [String(repeating: "长", count: 100), "a"])
        let read = try Self.read(book)
        #expect(read.records.map(\.line) == [1, 2])
        guard case .oversized(let fields, let limit) = read.records[1].kind else {
            Issue.record("row 2 is not too long: \(read.records[1].kind)")
            return
        }
        #expect(limit == 1 << 20 && fields.count == (1 << 20) / 301)
    }

    @Test("a sheet that compresses well is handed over a piece of at most 256 KiB of XML at a time, every row read")
    func wellCompressed() throws {
        let row = { (line: Int) in #"<row r="\#(line)"><c r="A\#(line)" t="inlineStr"><is><t>路灯不亮</t></is></c></row>"# }
        let rows = (1...40_000).map(row).joined()
        let book = WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)])
        #expect(book.count < rows.utf8.count / 10)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("calls.xlsx")
        try Data(book).write(to: file)
        let reader = try WorkbookReader(path: file.path, spillDirectory: directory.path)
        var perStep: [Int] = []
        var consumed = reader.bytesBeforeSheet
        while true {
            var count = 0
            let step = try reader.step { _ in count += 1 }
            perStep.append(count)
            if step == 0 { break }
            consumed += step
        }
        #expect(perStep.reduce(0, +) == 40_000)
        // One piece holds as many rows as fit in 256 KiB of XML (the shortest row's size), and
        // one begun in it.
        let perPiece = (256 << 10) / row(1).utf8.count + 1
        #expect(perStep.max() ?? 0 <= perPiece && perStep.count > 40_000 / perPiece, "\(perStep)")
        #expect(consumed == book.count)
    }

    @Test("a sheet whose deflate data ends before its last block is refused as cut short")
    func deflateCutShort() async throws {
        let rows = (1...3_000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0 * 7919 % 100_003)</v></c></row>"# }
            .joined()
        let members = try await Self.members(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)]))
        let error = Self.error(WorkbookBuilder.zip(members, cutShort: ["xl/worksheets/sheet1.xml"]))
        #expect(error == .damaged("its part xl/worksheets/sheet1.xml ends too soon (cut short?)"))
    }

    @Test("a decompression bomb is stopped, not inflated")
    func bomb() async throws {
        let zeros = [UInt8](repeating: 0x20, count: 40 << 20)
        var members = try await Self.members(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: "")]))
        members.removeAll { $0.0 == "xl/worksheets/sheet1.xml" }
        members.append(("xl/worksheets/sheet1.xml", Array("<worksheet><sheetData>".utf8) + zeros))
        let error = Self.error(WorkbookBuilder.zip(members))
        #expect(error.map { "\($0)".contains("decompression bomb") || "\($0)".contains("over 8 MiB") } == true)
    }

    static func isDamaged(_ error: WorkbookError) -> Bool {
        if case .damaged = error { return true }
        return false
    }

    static func error(_ bytes: [UInt8]) -> WorkbookError? {
        do {
            _ = try read(bytes)
            return nil
        } catch let error as WorkbookError {
            return error
        } catch {
            return .unreadable("\(error)")
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The members of an archive `WorkbookBuilder` made (stored or deflated), to change and zip again.
    static func members(_ archive: [UInt8]) async throws -> [(name: String, bytes: [UInt8])] {
        let unzipped = try await spawnCapturingOutput(
            "/usr/bin/python3",
            [
                "-c",
                "import io,zipfile,sys,json;z=zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()));"
                    + "print(json.dumps([[n,list(z.read(n))] for n in z.namelist()]))",
            ], input: Data(archive))
        let list = try JSONSerialization.jsonObject(with: unzipped.output) as? [[Any]] ?? []
        return list.map { ($0[0] as? String ?? "", ($0[1] as? [Int] ?? []).map { UInt8($0) }) }
    }
}
