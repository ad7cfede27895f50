import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// What files saved by LibreOffice, Gnumeric and Excel really hold, beyond Excel's scientific
/// notation: long ids rounded to 15 digits, wrapped header cells, number formats, spaces pasted
/// from web pages, notes beside the table, totals rows with a count and a sum.
@Suite("Spreadsheet quirks")
struct SpreadsheetQuirksTests {
    private static let header = RowMapperTests.header

    private func row(_ fields: String, profile: String = "12345") throws -> HotlineRowResult {
        try #require(try mapFile(utf8(Self.header + fields + "\r\n"), profile: profile).first)
    }

    @Test("an 18-digit ticket id a spreadsheet rounded to 15 digits is refused, not stored under a wrong id")
    func roundedTicketIDs() throws {
        let rounded = try row("330100202611030000,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,")
        let reason = try #require(rounded.rejection?.reason)
        #expect(reason.hasPrefix("ticket id \"330100202611030000\" ends in zeros from its 16th digit"))
        #expect(reason.contains("format the 工单编号 column as text"))
        // An id with digits past the 15th, or a shorter one ending in zeros, is an id.
        #expect(try row("330100202611030006,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,").row != nil)
        #expect(try row("3301002026110300,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,").row != nil)
    }

    @Test("a header cell wrapped with Alt+Enter names its column")
    func wrappedHeader() throws {
        let file =
            "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,\"通话时长\n(秒)\"\r\n"
            + "GD1,2026/11/3 8:15,13812345678,王,投诉,text,addr,ZX1,60\r\n"
        let row = try #require(try mapFile(utf8(file)).first?.row)
        #expect(row.draft.source.extra["duration_s"] == .number(60))
        // Messages name it on one line: a line break would split the CLI's summary and a cell.
        let bad = try #require(
            try mapFile(utf8(file.replacingOccurrences(of: "ZX1,60", with: "ZX1,3分20秒"))).first?.rejection)
        #expect(bad.reason == "通话时长(秒) \"3分20秒\" is not a whole number" + durationHint)
    }

    @Test("a formula's error value is no value: a required cell holding one is refused, another is taken as empty")
    func spreadsheetErrorValues() throws {
        let required = try row("GD1,2026/11/3 8:15,13812345678,,投诉,#N/A,addr,ZX1,10,")
        #expect(
            required.rejection?.reason
                == "诉求内容 holds #N/A, the error of a formula that failed: put the value in the cell")
        let optional = try #require(try row("GD1,2026/11/3 8:15,13812345678,#NAME?,投诉,噪音,Err:502,ZX1,10,").row)
        #expect(optional.draft.complainant.name == nil)
        #expect(optional.draft.location.address == nil)
        #expect(
            optional.warnings == [
                "姓名 held #NAME?, the error of a formula that failed: taken as empty",
                "事发地址 held Err:502, the error of a formula that failed: taken as empty",
            ])
        // A citizen's words that start with # are words.
        #expect(try row("GD1,2026/11/3 8:15,13812345678,,投诉,#噪音# 太吵,addr,ZX1,10,").row?.draft.text == "#噪音# 太吵")
    }

    @Test("a landline that lost its leading 0 in a number cell is named as such")
    func landlineWithoutItsZero() throws {
        let row = try #require(try row("GD1,2026/11/3 8:15,57187654321,,投诉,text,addr,ZX1,10,").row)
        #expect(row.draft.complainant.phone == nil)
        #expect(
            row.warnings == [
                "phone \"57187654321\" is not a valid phone number: a leading 0 may have been lost (057187654321 is a "
                    + "landline); format the 来电号码 column as text"
            ])
    }

    @Test(
        "whole seconds shown with a number format are whole seconds",
        arguments: [("1,234", 1234.0), ("95.0", 95), ("95.00", 95), ("60", 60)])
    func formattedWholeNumbers(text: String, seconds: Double) throws {
        let row = try #require(try row("GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,\"\(text)\",").row)
        #expect(row.draft.source.extra["duration_s"] == .number(seconds))
    }

    @Test("not whole numbers stay refused", arguments: ["95.5", "1,23", "12,3456", ",123", "1.0.0"])
    func notWholeNumbers(text: String) throws {
        let result = try row("GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,\"\(text)\",")
        #expect(result.rejection?.reason == "通话时长 \"\(text)\" is not a whole number")
    }

    @Test("a call time and a phone pasted from a web page, with no-break and zero-width spaces")
    func pastedSpaces() throws {
        let row = try #require(
            try row("GD1,2026/11/3\u{00A0}8:15,138\u{200B}1234\u{00A0}5678,,投诉,text,addr,ZX1,10,").row)
        #expect(RFC3339.format(row.draft.receivedAt) == "2026-11-03T00:15:00Z")
        #expect(row.draft.complainant.phone == "+8613812345678")
        #expect(row.warnings.isEmpty)
    }

    @Test("notes typed in a column without a header are kept under the column's position")
    func headerlessColumn() throws {
        let file =
            "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长,\r\n"
            + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,60,已回访：下周再处理\r\n"
            + "GD2,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,60,\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows.first?.draft.source.extra["column_10"] == .string("已回访：下周再处理"))
        #expect(rows.last?.draft.source.extra["column_10"] == nil)
    }

    @Test(
        "totals rows with a count and a sum are skipped, not rejected",
        arguments: [
            ["合计", "1条", "", "", "", "", "", "", "60"], ["合计", "共4条", "", "", "", "", "", "", "240"],
            ["Total", "4", "", "", "", "", "", "", "1,240"],
            // Saved with "save cell formulas" on: the sums are their formulas.
            ["合计", "共16条", "", "", "", "", "", "", "=SUM(I3:I20)"], ["合计", "=COUNTA(A3:A20)", "", "=sum(I3:I20)"],
        ])
    func totalsWithCountAndSum(fields: [String]) {
        #expect(HotlineRowMapper.summaryText(fields) != nil)
    }

    @Test("a call whose ticket starts with a totals word is still a call")
    func callsAreNotTotals() {
        #expect(HotlineRowMapper.summaryText(["合计", "2026/11/3 8:15", "13812345678", "停水了"]) == nil)
        #expect(HotlineRowMapper.summaryText(["合计", "1条", "", "", "", "停水了三天"]) == nil)
        // Only a formula that counts or sums is a total's.
        #expect(HotlineRowMapper.summaryText(["合计", "=HYPERLINK(\"http://x/1:2\")", "", "60"]) == nil)
    }

    @Test("US numbers with the trunk 1 and LibreOffice's two-digit-year times (311 profile)")
    func usFiles() throws {
        let file =
            "ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\n"
            + "A1,11/03/26 03:15 PM,1-212-555-0127,,Noise,loud,1 Main St,a1,60\r\n"
            + "A2,11/3/26 15:15,555-0130,,Noise,loud,1 Main St,a1,60\r\n"
        let rows = try mapFile(utf8(file), profile: "311").compactMap(\.row)
        #expect(rows.count == 2)
        #expect(RFC3339.format(rows[0].draft.receivedAt) == "2026-11-03T20:15:00Z")
        #expect(rows[0].draft.complainant.phone == "+12125550127")
        #expect(RFC3339.format(rows[1].draft.receivedAt) == "2026-11-03T20:15:00Z")
        #expect(rows[1].draft.complainant.phone == nil)
        #expect(rows[1].warnings == ["phone \"555-0130\" is not a valid phone number"])
    }

    @Test("a time the clocks skipped is read after the jump; one they repeat, at its first occurrence (311 profile)")
    func daylightSavingEdges() throws {
        let file =
            "ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\n"
            + "B1,3/8/2026 2:30,,,Noise,loud,1 Main St,a1,60\r\n"
            + "B2,11/1/2026 1:30,,,Noise,loud,1 Main St,a1,60\r\n"
            + "B3,3/8/2026 3:30,,,Noise,loud,1 Main St,a1,60\r\n"
        let times = try mapFile(utf8(file), profile: "311").compactMap(\.row).map {
            RFC3339.format($0.draft.receivedAt)
        }
        #expect(times == ["2026-03-08T07:30:00Z", "2026-11-01T05:30:00Z", "2026-03-08T07:30:00Z"])
    }

    @Test("a LibreOffice .ods or flat .fods spreadsheet is named as such, with LibreOffice's way to save CSV")
    func openDocument() throws {
        let ods =
            [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + utf8("mimetype")
            + utf8("application/vnd.oasis.opendocument.spreadsheetPK")
        let kind = try #require(NotCSVSignature.kind(of: ods))
        #expect(kind == "a LibreOffice or WPS spreadsheet (.ods)")
        #expect(NotCSVSignature.message(kind).contains("open it in LibreOffice, choose File → Save As"))
        let fods = utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<office:document xmlns:office=\"urn:oasis\"")
        #expect(NotCSVSignature.kind(of: fods) == "a LibreOffice flat XML spreadsheet (.fods)")
        let xlsx = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + utf8("[Content_Types].xml")
        #expect(NotCSVSignature.kind(of: xlsx)?.hasPrefix("an Excel workbook") == true)
        #expect(NotCSVSignature.message(NotCSVSignature.kind(of: xlsx)!).contains("open it in Excel or WPS"))
    }

    @Test("a gzip file (a Gnumeric workbook) and archives are not CSV")
    func compressedFiles() {
        #expect(NotCSVSignature.kind(of: [0x1F, 0x8B, 0x08, 0x00]) != nil)
        #expect(NotCSVSignature.kind(of: Array("Rar!\u{1A}\u{07}".utf8)) != nil)
        #expect(NotCSVSignature.kind(of: utf8("工单编号,来电时间")) == nil)
        #expect(
            NotCSVSignature.kind(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])?.contains("picture") == true)
        #expect(NotCSVSignature.kind(of: [0xFF, 0xD8, 0xFF, 0xE0])?.contains("picture") == true)
        #expect(NotCSVSignature.kind(of: utf8("BM_ID,call_time,caller")) == nil)
    }

    @Test("a call recording picked by mistake is named as one; a UTF-16 byte-order mark is not one")
    func audioFiles() {
        for prefix in [
            Array("ID3\u{04}\u{00}".utf8), [0xFF, 0xFB, 0x90, 0x64], Array("RIFF\u{24}\u{08}\u{00}\u{00}WAVEfmt ".utf8),
            Array("#!AMR\n".utf8),
        ] {
            #expect(NotCSVSignature.kind(of: prefix)?.contains("audio recording") == true, "\(prefix)")
        }
        #expect(NotCSVSignature.kind(of: [0xFF, 0xFE, 0xE5, 0x5D]) == nil)
        #expect(NotCSVSignature.kind(of: utf8("RIFF_ID,call_time")) == nil)
    }

    @Test("a header of binary noise or huge cells is shown cut, not whole, in the refusal")
    func longHeaderCut() throws {
        let file = utf8(
            String(repeating: "x", count: 5000) + "," + (1...40).map { "c\($0)" }.joined(separator: ",") + "\r\n")
        let records = try readRecords(file)
        let error = try #require(throws: HotlineImportError.self) {
            _ = try HotlineHeader(records[0].fields, profile: try #require(try shippedProfiles()["12345"]))
        }
        #expect(error.message.count < 800, "\(error.message.count)")
        #expect(error.message.contains("\"" + String(repeating: "x", count: 40) + "…\""))
        #expect(error.message.hasSuffix("… 11 more)"))
    }

    @Test("Mac Roman and MS-DOS files read right when the profile names them")
    func westernLegacyEncodings() throws {
        // José Núñez: é is 0x8E in Mac Roman and 0x82 in code page 850.
        let macRoman = try readRecords(utf8("name\n") + [0x4A, 0x6F, 0x73, 0x8E, 0x0A], encoding: .macRoman)
        #expect(macRoman.last?.fields == ["José"])
        let dos = try readRecords(utf8("name\n") + [0x4A, 0x6F, 0x73, 0x82, 0x0A], encoding: .ibm850)
        #expect(dos.last?.fields == ["José"])
        #expect(CSVEncoding(label: "cp850") == .ibm850)
        #expect(CSVEncoding(label: "Macintosh") == .macRoman)
    }
}
