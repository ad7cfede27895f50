import Foundation
import HotlineCSVAdapter
import Testing

@Suite("CSV separator from the first lines")
struct SeparatorDetectionTests {
    static let chunkSizes = [1, 3, 64, 1 << 16]

    /// Excel's "Unicode Text" export: UTF-16LE with a byte-order mark, tabs, CRLF, quotes only where needed.
    static func excelUnicodeText(_ text: String) -> [UInt8] {
        [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    @Test("Excel's Unicode Text (UTF-16LE, tabs) reads as its columns", arguments: chunkSizes)
    func excelUnicodeTextExport(chunk: Int) throws {
        let file = Self.excelUnicodeText(
            "工单编号\t诉求内容\t事发地址\r\nGD1\t\"夜里施工\t很吵\r\n请处理\"\t西湖区, 文三路\r\nGD2\t路灯\"不亮\"\t\r\n")
        let records = try readRecords(file, encoding: .utf16LE, chunk: chunk)
        #expect(
            records == [
                CSVRecord(line: 1, kind: .fields(["工单编号", "诉求内容", "事发地址"])),
                CSVRecord(line: 2, kind: .fields(["GD1", "夜里施工\t很吵\r\n请处理", "西湖区, 文三路"])),
                CSVRecord(line: 4, kind: .fields(["GD2", "路灯\"不亮\"", ""])),
            ])
    }

    @Test("a semicolon file (Excel in a European locale)", arguments: chunkSizes)
    func semicolons(chunk: Int) throws {
        let records = try readRecords(utf8("ticket_id;content;address\n1;\"a;b\";x, y\n"), chunk: chunk)
        #expect(records.map(\.kind) == [.fields(["ticket_id", "content", "address"]), .fields(["1", "a;b", "x, y"])])
    }

    @Test("commas win over a tab or semicolon inside a quoted header cell, and on a tie")
    func commasByDefault() {
        #expect(SeparatorSniffer.separator(sample: Array("\"a\tb;c\",d".utf8)) == UInt8(ascii: ","))
        #expect(SeparatorSniffer.separator(sample: Array("a,b\tc".utf8)) == UInt8(ascii: ","))
        #expect(SeparatorSniffer.separator(sample: Array("single column".utf8)) == UInt8(ascii: ","))
        #expect(SeparatorSniffer.separator(sample: Array("a\tb\tc,d".utf8)) == UInt8(ascii: "\t"))
    }

    @Test("a file with no line break is its own header")
    func noLineBreak() throws {
        let records = try readRecords(utf8("a\tb"))
        #expect(records == [CSVRecord(line: 1, kind: .fields(["a", "b"]))])
    }

    @Test("a title line above the table does not choose the separator; the lines that agree do")
    func titleLines() {
        let sniff = { (text: String) in SeparatorSniffer.separator(sample: Array(text.utf8)) }
        let semicolonTable = "导出时间: 2026-11-04, 共2条, 操作员: 张三\r\n\r\na;b;c\r\n1;2;3\r\n"
        #expect(sniff(semicolonTable) == UInt8(ascii: ";"))
        #expect(sniff("12345工单导出\n\na\tb\tc\n1\t\"x, y\"\t3\n") == UInt8(ascii: "\t"))
        #expect(sniff("导出条件：区县=西湖区; 类型=投诉\na,b,c\n1,2,3\n") == UInt8(ascii: ","))
        #expect(sniff("12345工单\t2026-11-04\na,b,c\n1,2,3\n") == UInt8(ascii: ","))
        // The rows agree with the header although their text holds more semicolons.
        #expect(sniff("a,b,c\n1,x;y;z;w,3\n2,x;y,3\n") == UInt8(ascii: ","))
    }

    /// A tab-separated header whose quoted cells hold more commas, semicolons and line breaks than
    /// the header has tabs: read with the wrong quote state at any point, it would end early or
    /// pick another separator.
    static let quotedHeaderFile = utf8(
        (0..<100).map { "\"列\($0), a; b\r\nc,\"\"d\"\";\n\"" }.joined(separator: "\t") + "\r\n"
            + (0..<100).map { "v\($0)" }.joined(separator: "\t") + "\r\n")

    @Test(
        "a long header with quoted line breaks and separators, fed 1 to 3 bytes at a time, reads as fed whole",
        arguments: [1, 2, 3])
    func quotedHeaderInTinyChunks(chunk: Int) throws {
        let whole = try readFile(Self.quotedHeaderFile, chunk: Self.quotedHeaderFile.count)
        let tiny = try readFile(Self.quotedHeaderFile, chunk: chunk)
        #expect(whole.separator == UInt8(ascii: "\t"))
        #expect(tiny.separator == whole.separator)
        #expect(tiny.records == whole.records)
        #expect(whole.records.map(\.line) == [1, 202])
        #expect(whole.records.first?.kind == .fields((0..<100).map { "列\($0), a; b\r\nc,\"d\";\n" }))
    }

    @Test("the scan of the first lines resumes where it stopped: each byte is looked at once")
    func sampleScanResumes() {
        let file = Self.quotedHeaderFile + Array(repeating: utf8("1\t2\r\n"), count: 20).flatMap { $0 }
        var whole = SeparatorSniffer.SampleScan()
        let expected = SeparatorSniffer.sampleEnd(file, resuming: &whole)
        var scan = SeparatorSniffer.SampleScan()
        var found: Int?
        for count in 1...file.count {
            found = SeparatorSniffer.sampleEnd(file[..<count], resuming: &scan)
            if found != nil { break }
            #expect(scan.scanned == count)
        }
        #expect(found != nil)
        #expect(found == expected)
        #expect(SeparatorSniffer.separator(of: scan) == UInt8(ascii: "\t"))
    }

    @Test("the rejected rows go back with the upload's separator")
    func rejectedRowsKeepTheSeparator() throws {
        let writer = try RejectedRowsWriter(header: ["id", "text"], encoding: .utf8, separator: UInt8(ascii: "\t"))
        let header = String(
            decoding: writer.headerLine(["id", "text"], withByteOrderMark: false, encoding: .utf8), as: UTF8.self)
        #expect(header == "id\ttext\tline\treason\r\n")
        let row = writer.row(HotlineRejection(line: 3, ticket: "1", reason: "bad", fields: ["1", "a\tb, c"]))
        #expect(String(decoding: row, as: UTF8.self) == "1\t\"a\tb, c\"\t3\tbad\r\n")
    }

    @Test("Excel's sep= directive on line 1 names the separator, any character, after a byte-order mark too")
    func directive() {
        let named = { (text: String) in SeparatorSniffer.directive(Array(text.utf8)) }
        #expect(named("sep=;\r\n工单编号;来电时间") == UInt8(ascii: ";"))
        #expect(named("SEP=|\n") == UInt8(ascii: "|"))
        #expect(named("\u{FEFF}sep=\t\n") == UInt8(ascii: "\t"))
        #expect(named("sep=,") == UInt8(ascii: ","))
        for text in ["sep=;;\n", "sep=\n", "separator,x\n", "工单编号,sep=;\n", "sep=\u{FF1B}\n"] {
            #expect(named(text) == nil, "\(text)")
        }
    }

    @Test("the rejected rows repeat the directive only where Excel reads it: in a file without a byte-order mark")
    func rejectedRowsRepeatTheDirective() throws {
        let writer = try RejectedRowsWriter(header: ["id"], encoding: .utf8, separator: UInt8(ascii: "|"))
        let plain = writer.headerLine(["id"], withByteOrderMark: false, encoding: .utf8, directive: true)
        #expect(String(decoding: plain, as: UTF8.self) == "sep=|\r\nid|line|reason\r\n")
        let marked = writer.headerLine(["id"], withByteOrderMark: true, encoding: .utf8, directive: true)
        #expect(String(decoding: marked.dropFirst(3), as: UTF8.self) == "id|line|reason\r\n")
    }
}
