import ComplaintCore
import HotlineCSVAdapter
import Testing

@Suite("Rejected rows file")
struct RejectedRowsWriterTests {
    @Test("same columns plus line and reason, formula-safe, and a fixed file reads back as sent")
    func roundTrip() throws {
        let header = ["工单编号", "来电号码", "诉求内容"]
        let writer = try RejectedRowsWriter(header: header, encoding: .utf8)
        var file = writer.headerLine(header, withByteOrderMark: false, encoding: .utf8)
        file += writer.row(
            HotlineRejection(line: 7, ticket: "GD1", reason: "bad \"date\"", fields: ["GD1", "+8613812345678", "=1+2"]))
        let text = String(decoding: file, as: UTF8.self)
        #expect(text == "工单编号,来电号码,诉求内容,line,reason\r\nGD1,'+8613812345678,'=1+2,7,\"bad \"\"date\"\"\"\r\n")
        let records = try readRecords(file)
        #expect(records[1].fields == ["GD1", "'+8613812345678", "'=1+2", "7", "bad \"date\""])
    }

    @Test("digits a spreadsheet would change are written as its text formula, and read back as sent")
    func digitsKeptAsText() throws {
        let header = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
        let writer = try RejectedRowsWriter(header: header, encoding: .utf8)
        var file = writer.headerLine(header, withByteOrderMark: false, encoding: .utf8)
        file += writer.row(
            HotlineRejection(
                line: 2, ticket: "330100202611030016", reason: "r",
                fields: ["330100202611030016", "2026/11/3 8:15", "057187654321", "", "投诉", "噪音", "地址", "007", "60"]))
        let text = String(decoding: file, as: UTF8.self)
        #expect(
            text.hasSuffix(
                "\"=\"\"330100202611030016\"\"\",2026/11/3 8:15,\"=\"\"057187654321\"\"\",,投诉,噪音,地址,\"=\"\"007\"\"\",60,2,r\r\n"
            ))
        // Fixed and sent back, the row has its ticket and its caller's number, as first sent.
        let row = try #require(try mapFile(file).first?.row)
        #expect(row.ticket == "330100202611030016")
        #expect(row.draft.complainant.phone == "+8657187654321")
        #expect(row.draft.source.extra["agent"] == .string("007"))
    }

    @Test("€ is written as code page 936's byte 0x80, which Excel on a Chinese Windows reads")
    func euroAsCodePage936() throws {
        let writer = try RejectedRowsWriter(header: ["诉求内容"], encoding: .gb18030)
        let bytes = writer.row(HotlineRejection(line: 2, ticket: nil, reason: "r", fields: ["多收100€费用"]))
        #expect(bytes == hex("b6e0cad5") + utf8("100") + [0x80] + hex("b7d1d3c3") + utf8(",2,r\r\n"))
    }

    @Test("written in GB18030 when the upload was")
    func gbk() throws {
        let writer = try RejectedRowsWriter(header: ["姓名"], encoding: .gb18030)
        #expect(
            writer.row(HotlineRejection(line: 2, ticket: nil, reason: "r", fields: ["王"])) == hex("cdf5")
                + utf8(",2,r\r\n"))
    }
}
