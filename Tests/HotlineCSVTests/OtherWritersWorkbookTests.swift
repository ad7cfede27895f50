import Foundation
import HotlineCSVAdapter
import Testing

/// Workbooks saved by other people's software (made by `scripts/lib/make-workbook-fixtures.py`):
/// the same call log read the same whichever program wrote it.
@Suite("Workbooks from other writers")
struct OtherWritersWorkbookTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.url(forResource: "Workbooks", withExtension: nil))
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Fixture `name` copied into a folder of its own, which goes once `body` is done; `body` is
    /// given a way to open it at a shown sheet (its strings spill into that folder).
    static func withFixture(
        _ name: String, _ body: (_ open: (_ sheetOrder: Int) throws -> WorkbookReader) throws -> Void
    )
        throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(name)
        try Data(try fixture(name)).write(to: file)
        try body { try WorkbookReader(path: file.path, spillDirectory: directory.path, sheetOrder: $0) }
    }

    /// The call log every fixture holds, as the import reads it (row 4 is empty in every writer's file).
    static let expected: [(line: Int, fields: [String])] = [
        (1, ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]),
        (
            2,
            [
                "20261103001", "2026-11-03 08:15:02", "13812345678", "张三", "噪音",
                "工地夜间施工,噪音\"很大\"\n凌晨两点还在打桩", "西湖区文三路 12 号", "A017", "65",
            ]
        ),
        (3, ["T-0002", "2026-11-04", "+86 139 0000 1111", "李四", "停水", "小区停水 & 没有通知 <紧急>", "", "A018", "120"]),
        (5, ["330102199001011234", "2026-11-05 23:59:59", "0571-87654321", "王五", "路灯", "路灯不亮", "滨江区", "", "0.5"]),
    ]

    @Test(
        "openpyxl, XlsxWriter (also constant-memory), LibreOffice Calc, Gnumeric and xlwt (.xlsx, .ods, .xls; Excel 95 in GBK; XML 2003) files read alike, also encrypted with Excel's built-in password (VelvetSweatshop, a protected workbook's: .xls RC4 and CryptoAPI RC4, .xlsx agile and standard AES)",
        arguments: [
            "openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter-constant-memory.xlsx", "libreoffice.xlsx",
            "libreoffice.ods", "gnumeric.xlsx", "gnumeric.ods", "libreoffice.xls", "gnumeric.xls", "xlwt.xls",
            "gnumeric-excel95.xls", "libreoffice-2003.xml", "velvetsweatshop.xls", "cryptoapi-40bit.xls",
            "velvetsweatshop.xlsx", "velvetsweatshop-standard.xlsx",
        ])
    func writers(_ name: String) throws {
        let read = try WorkbookReaderTests.read(try Self.fixture(name))
        #expect(read.sheet == "工单" && read.others == ["说明"])
        #expect(read.records.map(\.line) == Self.expected.map(\.line))
        #expect(read.records.map(\.fields) == Self.expected.map(\.fields))
        #expect(read.records.allSatisfy { !$0.hidden })
    }

    @Test(
        "the second shown sheet is read when asked (an importer passing a summary sheet by): .xlsx, .ods, .xls, XML 2003",
        arguments: ["openpyxl.xlsx", "libreoffice.ods", "libreoffice.xls", "libreoffice-2003.xml"])
    func secondSheet(_ name: String) throws {
        let read = try WorkbookReaderTests.read(try Self.fixture(name), sheetOrder: 1)
        #expect(read.sheet == "说明" && read.others == ["工单"])
        #expect(read.records.map(\.fields) == [["这一页不是工单"]])
        #expect(throws: WorkbookError.damaged("it shows 2 worksheets, not 3")) {
            try WorkbookReaderTests.read(try Self.fixture(name), sheetOrder: 2)
        }
    }

    @Test(
        "one reader goes from sheet to sheet, each read from its first row (an import of a log kept by month): .xlsx, .ods, .xls, XML 2003",
        arguments: ["openpyxl.xlsx", "libreoffice.ods", "libreoffice.xls", "libreoffice-2003.xml"])
    func sheetAfterSheet(_ name: String) throws {
        try Self.withFixture(name) { (open) in try Self.sheetAfterSheet(try open(0)) }
    }

    private static func sheetAfterSheet(_ reader: WorkbookReader) throws {
        #expect(reader.shownSheetNames == ["工单", "说明"])
        func rows() throws -> [[String]] {
            var records: [CSVRecord] = []
            while try reader.step({ records.append($0) }) > 0 {}
            return records.map(\.fields)
        }
        let first = try rows()
        #expect(first == expected.map(\.fields))
        try reader.read(sheetOrder: 1)
        #expect(reader.sheetName == "说明" && reader.otherSheets == ["工单"] && reader.sheetOrder == 1)
        #expect(try rows() == [["这一页不是工单"]])
        try reader.read(sheetOrder: 0)
        #expect(try rows() == first)
        #expect(throws: WorkbookError.damaged("it shows 2 worksheets, not 3")) { try reader.read(sheetOrder: 2) }
    }

    @Test(
        "a log kept by month read as an import does: a look at each sheet's first rows, then the fitting sheets in tab order, then the first again; each sheet's rows as a reader of it alone reads them",
        arguments: ["monthly.xlsx", "monthly.xls", "monthly.ods", "monthly-2003.xml"])
    func monthlyInTabOrder(_ name: String) throws {
        try Self.withFixture(name) { (open) in try Self.monthlyInTabOrder(name, open) }
    }

    private static func monthlyInTabOrder(_ name: String, _ open: (Int) throws -> WorkbookReader) throws {
        func rows(_ reader: WorkbookReader, limit: Int = .max) throws -> [[String]] {
            var records: [CSVRecord] = []
            while records.count < limit, try reader.step({ records.append($0) }) > 0 {}
            // Each row with its line first: a sheet's rows are numbered as that sheet shows them.
            return records.prefix(limit).map { ["\($0.line)"] + $0.fields }
        }
        let first = try open(0)
        let months = ["1月", "2月", "3月"].map { first.shownSheetNames.firstIndex(of: $0)! }
        let alone = try months.map { try rows(try open($0)) }
        #expect(alone.map(\.count) == [4, 3, 3])
        #expect(alone[2].first == ["1", "来电时间", "工单编号", "来电号码", "诉求内容", "处理结果"])
        // The look at each sheet: its first row, the rest of it passed over.
        for order in 0..<first.shownSheets {
            try first.read(sheetOrder: order)
            _ = try rows(first, limit: 1)
        }
        for (month, order) in months.enumerated() {
            try first.read(sheetOrder: order)
            #expect(try rows(first) == alone[month], "\(name) \(first.shownSheetNames[order])")
        }
        try first.read(sheetOrder: months[0])
        #expect(try rows(first) == alone[0])
        try first.read(sheetOrder: months[2])
        #expect(try rows(first) == alone[2])
    }

    @Test(
        "a sheet filtered to show 噪音 only (openpyxl's AutoFilter; LibreOffice's .xls, .ods and XML 2003 of it): every row read, the hidden ones marked",
        arguments: ["filtered.xlsx", "filtered.xls", "filtered.ods", "filtered-2003.xml"])
    func filtered(_ name: String) throws {
        let read = try WorkbookReaderTests.read(try Self.fixture(name))
        #expect(read.records.map(\.fields) == Self.expected.map(\.fields))
        #expect(read.records.filter(\.hidden).map(\.line) == [3, 5])
    }

    @Test(
        "cells merged down a column (openpyxl; LibreOffice's .xls and .ods of it): the rows below read with the merged cell's text and marked; a cell merged across a row keeps its text in its first column",
        arguments: ["merged.xlsx", "merged.xls", "merged.ods"])
    func merged(_ name: String) throws {
        let read = try WorkbookReaderTests.read(try Self.fixture(name))
        let call = { (ticket: String, time: String, phone: String, name: String) in
            [ticket, "2026-11-03 " + time, phone, name]
        }
        #expect(
            read.records.map(\.fields) == [
                Self.expected[0].fields,
                call("20261103101", "08:15:02", "13812345678", "张三") + ["噪音", "工地夜间施工", "西湖区文三路12号", "A017", "65"],
                call("20261103102", "09:20:00", "13812345679", "李四") + ["噪音", "广场舞音响太大", "西湖区文三路12号", "A017", "80"],
                call("20261103103", "10:00:00", "13900001111", "王五") + ["停水", "小区停水没有通知", "滨江区江南大道2号", "A018", "120"],
                call("20261103104", "10:30:00", "13900002222", "赵六") + ["停水", "还是没水", "滨江区江南大道4号", "A018", "90"],
                call("20261103105", "11:00:00", "13900003333", "钱七") + ["路灯", "路灯不亮", "", "A018", "30"],
            ])
        #expect(read.records.filter(\.filledDown).map(\.line) == [3, 5, 6])
    }

    @Test(
        "an .xls whose shared strings run over five CONTINUE records, some split inside a string; the same encrypted the CryptoAPI way (Excel's built-in password, 128-bit key)",
        arguments: ["xlwt-many-strings.xls", "cryptoapi.xls"])
    func manyStrings(_ name: String) throws {
        let read = try WorkbookReaderTests.read(try Self.fixture(name))
        #expect(read.records.count == 601 && read.records.map(\.line) == Array(1...601))
        let cycle = Array("市民反映小区噪音扰民停水停电路灯不亮垃圾清运不及时")
        for (index, record) in read.records.dropFirst().enumerated() {
            let row = index + 2
            // The script's text for row n: 30 characters, the cycle from offset n, then n's digits.
            let digits = String(row)
            let text = String((0..<(30 - digits.count)).map { cycle[(row + $0) % cycle.count] }) + digits
            #expect(
                record.fields == [
                    "T" + String(repeating: "0", count: 5 - digits.count) + digits, text, "\(row * 1000 + 7)",
                ])
        }
    }

    @Test(
        "an .xls or .xlsx saved with a password somebody chose is refused as such",
        arguments: ["password.xls", "password.xlsx"])
    func password(_ name: String) throws {
        let error = #expect(throws: WorkbookError.self) {
            try WorkbookReaderTests.read(try Self.fixture(name))
        }
        #expect(error?.description.contains("saved with a password: remove the password first") == true)
    }
}
