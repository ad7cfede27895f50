import Foundation
import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// Excel 97–2003 workbooks (.xls): BIFF8 records in a compound file, built here record by record
/// for the layouts the writers in `Workbooks/` do not happen to produce.
@Suite("Excel 97–2003 workbooks")
struct LegacyWorkbookReaderTests {
    typealias B = LegacyWorkbookBuilder

    static func read(_ stream: [UInt8], sectorShift: Int = 9, others: [(String, [UInt8])] = []) throws
        -> (records: [CSVRecord], sheet: String, others: [String])
    {
        try WorkbookReaderTests.read(B.compoundFile([("Workbook", stream)] + others, sectorShift: sectorShift))
    }

    @Test("shared, inline and formula strings, RK and MULRK numbers, dates by style, booleans and errors")
    func cells() throws {
        // Style 1: built-in date 14; 2: a custom date-time; 3: [h]:mm:ss; 4: the East Asian date 31.
        let strings = B.sharedStrings(["工单编号", "来电时间", "ticket", "张三"])
        var cells = B.labelSST(0, 0, 0) + B.labelSST(0, 1, 1) + B.labelSST(0, 3, 2)
        cells += B.labelSST(1, 0, 3) + B.number(1, 1, 46329.34377314815, style: 2)
        // RK: an integer (bit 1), an integer / 100 (bits 1 and 0), a double's high half.
        cells += B.rk(1, 2, 1_234_567 << 2 | 0x02) + B.rk(1, 3, 1234 << 2 | 0x03)
        cells += B.number(2, 0, 13_812_345_678) + B.multipleRK(2, 2, [(3, 0x3FE0_0000), (3, 0x3FF0_0000)])
        cells += B.record(0x0204, B.cell(3, 0) + B.string("直接文字, \"引号\""))
        cells += B.record(0x0006, B.cell(3, 1) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + [0, 0, 0, 0, 0, 0])
        cells += B.record(0x0207, B.string("公式结果"))
        cells += B.record(0x0006, B.cell(3, 2) + [1, 0, 1, 0, 0, 0, 0xFF, 0xFF] + [0, 0, 0, 0, 0, 0])
        cells += B.record(0x0006, B.cell(3, 3) + [2, 0, 0x2A, 0, 0, 0, 0xFF, 0xFF] + [0, 0, 0, 0, 0, 0])
        cells += B.record(0x0205, B.cell(3, 4) + [0, 0]) + B.number(3, 5, 46330, style: 4)
        cells += B.record(0x0006, B.cell(3, 6, style: 1) + B.double(46331.5) + [0, 0, 0, 0, 0, 0])
        let stream = B.workbookStream(
            sheets: [("工单", false, cells)], strings: strings, formats: [165: "yyyy/m/d h:mm:ss"],
            styles: [0, 14, 165, 46, 31])
        let read = try Self.read(stream)
        #expect(read.sheet == "工单" && read.others.isEmpty)
        #expect(read.records.map(\.line) == [1, 2, 3, 4])
        #expect(
            WorkbookReaderTests.fields(read.records) == [
                ["工单编号", "来电时间", "", "ticket"],
                ["张三", "2026-11-03 08:15:02", "1234567", "12.34"],
                ["13812345678", "", "12:00:00", "24:00:00"],
                ["直接文字, \"引号\"", "公式结果", "TRUE", "#N/A", "FALSE", "2026-11-04", "2026-11-05 12:00:00"],
            ])
    }

    @Test("a string split across CONTINUE records, its rest stored two bytes or one byte per character")
    func continuedStrings() throws {
        let long = "市民反映小区噪音扰民停水停电路灯不亮垃圾清运不及时"
        let latin = "noise at night on Wensan Road"
        let strings = B.sharedStrings(
            ["header", long, latin, "尾"],
            splitAfterCharacters: [(string: 1, characters: 7), (string: 2, characters: 5)])
        let cells = B.labelSST(0, 0, 0) + B.labelSST(1, 0, 1) + B.labelSST(1, 1, 2) + B.labelSST(1, 2, 3)
        let read = try Self.read(B.workbookStream(sheets: [("Sheet1", false, cells)], strings: strings))
        #expect(WorkbookReaderTests.fields(read.records) == [["header"], [long, latin, "尾"]])
    }

    @Test("characters past U+FFFF (a pair of UTF-16 units, split across records too); a lone half is U+FFFD")
    func surrogates() throws {
        let emoji = "投诉😀表情"
        let strings = B.sharedStrings(["header", emoji], splitAfterCharacters: [(string: 1, characters: 3)])
        // LABEL with two wide characters: a high surrogate with no low one after it, then "A".
        let lone = B.record(0x0204, B.cell(1, 1) + [2, 0, 1, 0x00, 0xD8, 0x41, 0x00])
        let cells = B.labelSST(0, 0, 0) + B.labelSST(1, 0, 1) + lone
        let read = try Self.read(B.workbookStream(sheets: [("Sheet1", false, cells)], strings: strings))
        #expect(WorkbookReaderTests.fields(read.records) == [["header"], [emoji, "\u{FFFD}A"]])
    }

    @Test("the first visible worksheet is read; a small stream in the mini stream and 4 KB sectors read alike")
    func sheetsAndLayouts() throws {
        let strings = B.sharedStrings(["隐藏", "工单", "说明"])
        let stream = B.workbookStream(
            sheets: [
                ("旧表", true, B.labelSST(0, 0, 0)), ("工单", false, B.labelSST(0, 0, 1) + B.number(4, 1, 7)),
                ("说明", false, B.labelSST(0, 0, 2)),
            ], strings: strings)
        #expect(stream.count < 4096)
        for shift in [9, 12] {
            let read = try Self.read(stream, sectorShift: shift, others: [("\u{05}SummaryInformation", [1, 2, 3])])
            #expect(read.sheet == "工单" && read.others == ["旧表", "说明"])
            #expect(read.records.map(\.line) == [1, 5])
            #expect(WorkbookReaderTests.fields(read.records) == [["工单"], ["", "7"]])
        }
        // Padded past the mini stream's 4 KB, as xlwt writes it: the zeros after the last sheet are not read.
        let padded = try Self.read(stream + [UInt8](repeating: 0, count: 9000))
        #expect(WorkbookReaderTests.fields(padded.records) == [["工单"], ["", "7"]])
    }

    @Test("a number past any date in a date-formatted cell (found by the fuzzer) is shown as a number")
    func numberPastDates() throws {
        let cells = B.number(0, 0, 1e300, style: 1) + B.number(0, 1, -1e300, style: 2) + B.number(0, 2, 9e18, style: 2)
        let read = try Self.read(B.workbookStream(sheets: [("S", false, cells)], styles: [0, 14, 46]))
        #expect(WorkbookReaderTests.fields(read.records) == [["1E+300", "-1E+300", "9E+18"]])
    }

    @Test("an embedded chart's records inside the sheet are not cells")
    func embeddedChart() throws {
        let chart = B.bof(0x0020) + B.number(0, 0, 99) + B.eof
        let cells = B.number(0, 0, 1) + chart + B.number(1, 0, 2)
        let read = try Self.read(B.workbookStream(sheets: [("Sheet1", false, cells)]))
        #expect(WorkbookReaderTests.fields(read.records) == [["1"], ["2"]])
    }

    @Test(
        "refused, named: a password, Excel 4.0, a Word file, a damaged or cut-short file, cells out of row order",
        arguments: [
            Refusal(
                B.compoundFile([
                    ("Workbook", B.workbookStream(sheets: [("S", false, [])], extraGlobals: B.record(0x002F, [0, 0])))
                ]), "saved with a password"
            ),
            // An encrypted .xlsx of a kind not read (descriptor version 9.9), or cut short.
            Refusal(
                B.compoundFile([("EncryptionInfo", [9, 0, 9, 0, 0, 0, 0, 0]), ("EncryptedPackage", [2])]),
                "saved with a password"),
            Refusal(B.compoundFile([("EncryptionInfo", [1]), ("EncryptedPackage", [2])]), "descriptor is cut short"),
            Refusal(B.compoundFile([("Workbook", [0x09, 0x04, 6, 0, 0, 0, 0x10, 0, 0, 0])]), "Excel 2.x–4.0"),
            Refusal(B.compoundFile([("WordDocument", [1, 2, 3])]), "a Word 97–2003 document (.doc)"),
            Refusal(B.compoundFile([("Workbook", B.bof(0x0005))]), "ends before its sheets"),
            Refusal(
                B.compoundFile([
                    ("Workbook", B.workbookStream(sheets: [("S", false, B.number(3, 0, 1) + B.number(1, 0, 2))]))
                ]),
                "not stored row by row"
            ),
            Refusal(
                B.compoundFile([("Workbook", B.workbookStream(sheets: [("S", false, B.labelSST(0, 0, 5))]))]),
                "names shared string 5"
            ),
            Refusal(
                Array(B.compoundFile([("Workbook", [UInt8](repeating: 0, count: 9000))]).prefix(3000)), "cut short"),
            Refusal(Array(LegacyWorkbookBuilder.compoundFile([]).prefix(300)), "cut short"),
        ])
    func refused(_ refusal: Refusal) throws {
        let error = #expect(throws: WorkbookError.self) { try WorkbookReaderTests.read(refusal.file) }
        #expect(error?.description.contains(refusal.reason) == true, "\(String(describing: error))")
    }

    struct Refusal: CustomTestStringConvertible {
        let file: [UInt8]
        let reason: String
        init(_ file: [UInt8], _ reason: String) {
            self.file = file
            self.reason = reason
        }
        var testDescription: String { reason }
    }
}
