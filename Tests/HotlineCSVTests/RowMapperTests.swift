import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// Reads a whole file through header binding and row mapping, as the importer does.
func mapFile(_ bytes: [UInt8], profile name: String = "12345", encoding: CSVEncoding = .utf8) throws
    -> [HotlineRowResult]
{
    try mapFile(bytes, profile: try #require(try shippedProfiles()[name]), encoding: encoding)
}

/// The same with a profile of the test's own.
func mapFile(_ bytes: [UInt8], profile: HotlineProfile, encoding: CSVEncoding = .utf8) throws -> [HotlineRowResult] {
    var records = try readRecords(bytes, encoding: encoding)
    let header = try HotlineHeader(records.removeFirst().fields, profile: profile)
    var mapper = HotlineRowMapper(profile: profile, header: header)
    var results: [HotlineRowResult] = []
    for record in records {
        if let held = mapper.release(before: record) { results.append(held) }
        let result = mapper.map(record)
        if case .held = result { continue }
        results.append(result)
    }
    if let held = mapper.release(before: nil) { results.append(held) }
    return results
}

extension HotlineRowResult {
    var row: HotlineRow? {
        if case .accepted(let row) = self { return row }
        return nil
    }
    var rejection: HotlineRejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }
}

@Suite("Row validation")
struct RowMapperTests {
    static let header = "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长,回访结果\r\n"

    @Test(
        "a good row becomes a draft record: call time is received_at, ticket is external_id, unknown columns go to extra"
    )
    func goodRow() throws {
        let results = try mapFile(
            utf8(Self.header + "GD001,2026/11/3 8:15,138 1234 5678,王先生,投诉,\"晚上施工,噪音很大\",西湖区文三路1号,ZX1001,125,满意\r\n"))
        let row = try #require(results.first?.row)
        #expect(row.line == 2)
        #expect(row.ticket == "GD001")
        #expect(row.warnings.isEmpty)
        let draft = row.draft
        #expect(draft.channel == .hotline)
        #expect(draft.source.adapter == "12345")
        #expect(draft.source.externalID == "GD001")
        #expect(RFC3339.format(draft.receivedAt) == "2026-11-03T00:15:00Z")
        #expect(draft.complainant.phone == "+8613812345678")
        #expect(draft.complainant.name == "王先生")
        #expect(draft.category == "投诉")
        #expect(draft.text == "晚上施工,噪音很大")
        #expect(draft.location.address == "西湖区文三路1号")
        #expect(draft.source.extra["agent"] == .string("ZX1001"))
        #expect(draft.source.extra["duration_s"] == .number(125))
        #expect(draft.source.extra["回访结果"] == .string("满意"))
        #expect(draft.source.extra["complainant_phone_extension"] == nil)
    }

    @Test("a phone with an extension: the number in phone, the extension kept beside it in extra")
    func phoneExtension() throws {
        let results = try mapFile(
            utf8(
                Self.header + "GD001,2026/11/3 8:15,0571-87654321转8001,王先生,投诉,噪音,西湖区文三路1号,ZX1001,125,\r\n"
                    + "GD002,2026/11/3 8:15,0571-87654321-66,王先生,投诉,噪音,西湖区文三路1号,ZX1001,125,\r\n"))
        #expect(results.map { $0.row?.draft.complainant.phone } == ["+8657187654321", "+8657187654321"])
        #expect(
            results.map { $0.row?.draft.source.extra["complainant_phone_extension"] } == [
                .string("8001"), .string("66"),
            ])
        #expect(results.allSatisfy { $0.row?.warnings.isEmpty == true })
    }

    @Test("the district is the listed name the address holds first; a district column of the row's own wins")
    func districtFromAddress() throws {
        var profile = try #require(try shippedProfiles()["12345"])
        profile.columns.append(HotlineColumn(field: .district, headers: ["所属区县"]))
        let results = try mapFile(
            utf8(
                "工单编号,来电时间,诉求内容,事发地址,所属区县,通话时长\r\n"
                    + "GD1,2026/11/3 8:15,噪音,杭州市西湖区文三路1号,,10\r\n"
                    + "GD2,2026/11/3 8:15,噪音,萧山区市心路，靠近滨江区,,10\r\n"
                    + "GD3,2026/11/3 8:15,噪音,西湖区文三路1号,上城区,10\r\n"
                    + "GD4,2026/11/3 8:15,噪音,文三路1号,,10\r\n"
                    + "GD5,2026/11/3 8:15,噪音,,,10\r\n"
                    + "GD6,2026/11/3 8:15,噪音,杭州市新区街道,,10\r\n"),
            profile: {
                var withTie = profile
                withTie.districts += ["新区", "新区街道"]
                return withTie
            }())
        #expect(results.map { $0.row?.draft.location.district } == ["西湖区", "萧山区", "上城区", nil, nil, "新区街道"])
        // Without a districts list nothing is guessed.
        profile.districts = []
        let plain = try mapFile(
            utf8("工单编号,来电时间,诉求内容,事发地址,通话时长\r\nGD1,2026/11/3 8:15,噪音,西湖区文三路1号,10\r\n"), profile: profile)
        #expect(plain.first?.row?.draft.location.district == nil)
    }

    @Test("Latin district names match in any case and only as words")
    func latinDistricts() {
        let finder = DistrictFinder(["Queens", "Staten Island", "Bronx"])
        #expect(finder.district(in: "41-11 Main St, QUEENS, NY") == "Queens")
        #expect(finder.district(in: "12 Queensbridge Rd, Bronx") == "Bronx")
        #expect(finder.district(in: "1 Bay St, staten island") == "Staten Island")
        #expect(finder.district(in: "Bronxdale Ave") == nil)
        #expect(DistrictFinder(["西湖区"]).district(in: "杭州市西湖区2号") == "西湖区")
    }

    @Test("the 311 profile: a borough column in any case takes the listed spelling; without one, the address's")
    func boroughs() throws {
        let results = try mapFile(
            utf8(
                "ticket_id,call_time,content,address,borough\r\n"
                    + "T1,2026-11-03 08:15,Noise,41-11 Main St,BROOKLYN\r\n"
                    + "T2,2026-11-03 08:15,Noise,\"41-11 Main St, QUEENS\",\r\n"
                    + "T3,2026-11-03 08:15,Noise,Main St,Hoboken\r\n"),
            profile: "311")
        #expect(results.map { $0.row?.draft.location.district } == ["Brooklyn", "Queens", "Hoboken"])
    }

    @Test("errors reject the row with its physical line; the rest is taken")
    func errors() throws {
        let file =
            Self.header
            + "GD001,2026/11/3 8:15,13812345678,,投诉,\"two\nlines\",addr,ZX1,10,\r\n"  // lines 2-3, good
            + "GD002,2026-13-40 08:00,13812345678,,投诉,text,addr,ZX1,10,\r\n"  // 4 bad date
            + "GD003,2026/11/3 8:15,13812345678,,投诉,,addr,ZX1,10,\r\n"  // 5 required empty
            + "GD004,2026/11/3 8:15,13812345678\r\n"  // 6 column count
            + "GD005,2026/11/3 8:15,13812345678,,投诉,\"never closed,addr,ZX1,10,\r\n"  // 7 quote
            + "GD006,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,3分20秒,\r\n"  // 8 duration
            + ",2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,\r\n"  // 9 no ticket
            + ",,,,,,,,,\r\n"  // 10 blank
            + "GD010,2026/11/3 8:15,13812345678,,投诉,last one,addr,ZX1,10,\r\n"  // 11 good
            // 12-13: an unquoted line break in the text: the second half's first field is a sentence.
            + "GD011,2026/11/3 8:15,13812345678,,投诉,路灯不亮\r\n"
            + String(repeating: "晚上十一点以后整条路都是黑的", count: 5) + ",addr,ZX1,10,\r\n"
        let results = try mapFile(utf8(file))
        #expect(results.compactMap(\.row).map(\.line) == [2, 11])
        let rejected = results.compactMap(\.rejection).map { "\($0.line) \($0.ticket ?? "-"): \($0.reason)" }
        #expect(
            rejected == [
                "4 GD002: unparseable call time \"2026-13-40 08:00\": no pattern of profile 12345's date_formats matches it "
                    + "(\(try shippedProfiles()["12345"]!.dateFormats.map(\.pattern).joined(separator: ", ")))",
                "5 GD003: required field 诉求内容 is empty",
                "6 GD004: expected 10 columns, found 3",
                "7 GD005: unterminated quote: a quoted field opened on this line is never closed",
                "8 GD006: 通话时长 \"3分20秒\" is not a whole number" + durationHint,
                "9 -: required field 工单编号 is empty",
                "12 GD011: expected 10 columns, found 6",
                "13 -: expected 10 columns, found 5",
            ])
        #expect(results.filter { if case .blank = $0 { true } else { false } }.count == 1)
    }

    @Test("a month-first date a spreadsheet exported as the cell's value is told how to export it as shown")
    func usDateHint() throws {
        let file =
            "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长\r\n"
            + "US1,11/03/2026 08:15:00,13812345678,,投诉,text,addr,ZX1,10\r\n"
            + "US2,2026-13-40 08:00,13812345678,,投诉,text,addr,ZX1,10\r\n"
        let reasons = try mapFile(utf8(file)).compactMap(\.rejection).map(\.reason)
        #expect(reasons.count == 2)
        #expect(reasons.first?.contains("; it reads month first, as a spreadsheet exports") == true, "\(reasons)")
        #expect(reasons.first?.contains("LibreOffice: \"Save cell content as shown\"") == true)
        #expect(reasons.last?.contains("month first") == false)
    }

    @Test("a placeholder call time for an empty date (epoch, date 0, MinValue, MaxValue) rejects its row")
    func placeholderCallTimes() throws {
        let times = [
            "1970-01-01 08:00:00", "1899/12/30 0:00", "1900/1/1 0:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59",
        ]
        let rows = times.enumerated().map { "GD\($0.offset),\($0.element),13812345678,,投诉,text,addr,ZX1,65,\r\n" }
        let results = try mapFile(
            utf8(Self.header + rows.joined() + "GD9,1980/1/1 8:00,13812345678,,投诉,text,addr,ZX1,65,\r\n"))
        #expect(results.compactMap(\.row).map(\.ticket) == ["GD9"])
        #expect(
            results.compactMap(\.rejection).map(\.reason).first
                == "call time \"1970-01-01 08:00:00\" is no real call time (before 1980 or after 2099): a placeholder an export writes for an empty date"
        )
        #expect(results.compactMap(\.rejection).map(\.line) == [2, 3, 4, 5, 6])
    }

    @Test("an Excel-mangled phone is a warning: phone null, raw kept, never expanded")
    func excelPhone() throws {
        let results = try mapFile(utf8(Self.header + "GD1,2026/11/3 8:15,1.38123E+10,,投诉,text,addr,ZX1,10,\r\n"))
        let row = try #require(results.first?.row)
        #expect(row.draft.complainant.phone == nil)
        #expect(row.draft.source.extra["complainant_phone_raw"] == .string("1.38123E+10"))
        #expect(row.warnings == ["phone \"1.38123E+10\" was mangled by Excel; digits lost"])
    }

    @Test("a ticket id Excel turned into scientific notation rejects its row with the reason; 2E5 is an id")
    func excelTicket() throws {
        let results = try mapFile(
            utf8(
                Self.header + "2.02611E+17,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,\r\n"
                    + "2E5,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,10,\r\n"))
        #expect(results.count == 2)
        let rejected = try #require(results.first?.rejection)
        #expect(rejected.line == 2)
        #expect(rejected.reason.hasPrefix("ticket id \"2.02611E+17\" was mangled by Excel"))
        #expect(results.last?.row?.ticket == "2E5")
    }

    @Test("an invalid phone is a warning; withheld numbers and names make anonymous; a blank number is absent")
    func phones() throws {
        let file =
            Self.header
            + "GD1,2026/11/3 8:15,12345,,投诉,text,addr,ZX1,10,\r\n"
            + "GD2,2026/11/3 8:15,匿名,,投诉,text,addr,ZX1,10,\r\n"
            + "GD3,2026/11/3 8:15,Anonymous,,投诉,text,addr,ZX1,10,\r\n"
            + "GD4,2026/11/3 8:15,,匿名,投诉,text,addr,ZX1,10,\r\n"
        let rows = try mapFile(utf8(file)).compactMap(\.row)
        #expect(rows[0].warnings == ["phone \"12345\" is not a valid phone number"])
        #expect(rows[0].draft.complainant.phone == nil)
        #expect(rows[1].draft.complainant.anonymous && rows[1].warnings.isEmpty)
        #expect(rows[2].draft.complainant.anonymous && rows[2].warnings.isEmpty)
        #expect(rows[3].draft.complainant.anonymous && rows[3].draft.complainant.phone == nil)
        #expect(rows[3].draft.complainant.name == nil && rows[3].warnings.isEmpty)
    }

    @Test("headers match trimmed and case-insensitively, aliases included")
    func headerAliases() throws {
        let file = " TICKET , Created Date,Phone,Description\n311-1,2026-07-01 09:00,(212) 555-0100,Pothole\n"
        let row = try #require(try mapFile(utf8(file), profile: "311").first?.row)
        #expect(row.ticket == "311-1")
        #expect(RFC3339.format(row.draft.receivedAt) == "2026-07-01T13:00:00Z")
        #expect(row.draft.complainant.phone == "+12125550100")
        #expect(row.draft.text == "Pothole")
    }

    @Test("a header missing a required column stops the import with the columns named")
    func missingColumns() throws {
        let profile = try #require(try shippedProfiles()["12345"])
        #expect(throws: HotlineImportError.self) { try HotlineHeader(["工单编号", "姓名"], profile: profile) }
        do {
            _ = try HotlineHeader(["工单编号", "姓名"], profile: profile)
        } catch let error as HotlineImportError {
            #expect(error.code == "missing_columns")
            #expect(error.message.contains("call_time (\"来电时间\""))
            #expect(error.message.contains("text (\"诉求内容\""))
        }
    }

    @Test("a GBK file built byte by byte maps like its UTF-8 twin")
    func gbkFile() throws {
        // 工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长
        var bytes = hex(
            "b9a4b5a5b1e0bac5 2c c0b4b5e7cab1bce4 2c c0b4b5e7bac5c2eb 2c d0d5c3fb 2c cbdfc7f3c0e0d0cd 2c"
                + "cbdfc7f3c4dac8dd 2c cac2b7a2b5d8d6b7 2c d7f8cfafb9a4bac5 2c cda8bbb0cab1b3a4 0d0a")
        // GD1,2026/11/3 8:15,13812345678,王,,路灯不亮,,ZX1,10
        bytes +=
            utf8("GD1,2026/11/3 8:15,13812345678,") + hex("cdf5") + utf8(",,") + hex("c2b7b5c6b2bbc1c1")
            + utf8(",,ZX1,10\r\n")
        let row = try #require(try mapFile(bytes, encoding: .gb18030).first?.row)
        #expect(row.draft.complainant.name == "王")
        #expect(row.draft.text == "路灯不亮")
    }
}

@Suite("Totals rows")
struct SummaryRowTests {
    @Test(
        "a row with at most two fields, the first a totals word, is a totals row",
        arguments: [
            (["合计：1,024条", "", ""], "合计：1,024条"), (["", "总计", "1024"], "总计 1024"),
            (["Total", "17", ""], "Total 17"), (["GRAND TOTAL: 17", "", ""], "GRAND TOTAL: 17"),
        ])
    func totals(fields: [String], text: String) {
        #expect(HotlineRowMapper.summaryText(fields) == text)
    }

    @Test(
        "anything else is not",
        arguments: [
            ["合计", "2026/11/3 8:15", "停水了"], ["Totally broken street light", "", ""], ["GD001", "", ""],
            ["", "", ""], ["路灯合计坏了三盏", "", ""],
        ])
    func notTotals(fields: [String]) {
        #expect(HotlineRowMapper.summaryText(fields) == nil)
    }
}
