import Foundation
import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// A call log uploaded as the Excel workbook itself (.xlsx): imported like its CSV, its rows
/// named by the row numbers Excel shows, the workbook kept as the upload's raw payload.
@Suite("Hotline upload of an Excel workbook")
struct HotlineWorkbookUploadTests {
    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// A 12345-profile call log as Chinese Excel saves it: text in shared strings, the call time a
    /// date-time cell, the phone number and ticket id numbers, row 4 left empty; with
    /// `summaryFirst`, after a summary sheet (`区域`, `工单数`), as some exports open.
    static func callLog(extraSheet: Bool = false, summaryFirst: Bool = false) -> Data {
        let strings = [
            "工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长",
            "GD001", "王先生", "投诉", "工地夜间施工,噪音很大\n从晚上十点到凌晨", "西湖区文三路1号", "ZX1001",
            "GD002", "2026-13-40 08:00", "路灯不亮", "GD003", "停水了", "上城区解放路3号", "咨询",
        ]
        let header = (0..<9).map { "<c r=\"\(Character(UnicodeScalar(65 + $0)!))1\" t=\"s\"><v>\($0)</v></c>" }.joined()
        let rows = """
            <row r="1" spans="1:9">\(header)</row>
            <row r="2" spans="1:9"><c r="A2" t="s"><v>9</v></c><c r="B2" s="1"><v>46329.343773148148</v></c>\
            <c r="C2"><v>13812345678</v></c><c r="D2" t="s"><v>10</v></c><c r="E2" t="s"><v>11</v></c>\
            <c r="F2" t="s"><v>12</v></c><c r="G2" t="s"><v>13</v></c><c r="H2" t="s"><v>14</v></c><c r="I2"><v>125</v></c></row>
            <row r="3" spans="1:9"><c r="A3" t="s"><v>15</v></c><c r="B3" t="s"><v>16</v></c><c r="F3" t="s"><v>17</v></c>\
            <c r="I3"><v>60</v></c><c r="K3" s="1"/></row>
            <row r="5" spans="1:9"><c r="A5" t="s"><v>18</v></c><c r="B5" s="1"><v>46329.378472222219</v></c>\
            <c r="E5" t="s"><v>21</v></c><c r="F5" t="s"><v>19</v></c><c r="G5" t="s"><v>20</v></c><c r="I5"><v>30</v></c></row>
            """
        let inline = { (cell: String, text: String) in #"<c r="\#(cell)" t="inlineStr"><is><t>\#(text)</t></is></c>"# }
        let summary =
            #"<row r="1">\#(inline("A1", "区域"))\#(inline("B1", "工单数"))</row>"#
            + #"<row r="2">\#(inline("A2", "西湖区"))<c r="B2"><v>3</v></c></row>"#
        var sheets = [WorkbookBuilder.Sheet(name: "工单明细", rows: rows)]
        if extraSheet { sheets.append(.init(name: "汇总", rows: #"<row r="1"><c r="A1"><v>3</v></c></row>"#)) }
        if summaryFirst { sheets.insert(.init(name: "汇总", rows: summary), at: 0) }
        return Data(
            WorkbookBuilder.workbook(
                sheets: sheets, sharedStrings: strings,
                styles: WorkbookBuilder.styles(custom: [176: "yyyy/m/d\\ h:mm:ss;@"], cellFormats: [176])))
    }

    /// A workbook fixture from `Tests/HotlineCSVTests/Workbooks`, written by other programs.
    static func fixture(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("HotlineCSVTests/Workbooks/\(name)"))
    }

    @Test(
        "a workbook posted raw: rows taken by Excel's row numbers, the rejected rows back as UTF-8 CSV, no duplicates on a second upload"
    )
    func workbookUpload() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Self.callLog(), headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2)
        #expect(reply.json["rows"] as? Int == 3)
        #expect(reply.json["encoding"] as? String == "utf-8")
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [3])
        #expect((rejected.first?["reason"] as? String)?.hasPrefix("unparseable call time") == true)
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        #expect(Set(ids.keys) == ["2", "5"])
        let first = try #require(ids["2"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(first)").json["record"] as? [String: Any])
        // The call time cell (08:15:02 in Shanghai) and all eleven digits of the number cell.
        #expect(record["received_at"] as? String == "2026-11-03T00:15:02Z")
        #expect(((record["complainant"] as? [String: Any])?["phone"] as? String)?.hasSuffix("13812345678") == true)
        #expect(record["text"] as? String == "工地夜间施工,噪音很大\n从晚上十点到凌晨")

        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(download.headers.contains { $0.0.lowercased() == "content-type" && $0.1.contains("utf-8") })
        let text = String(decoding: Data(download.body), as: UTF8.self)
        #expect(Data(download.body).starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(text.contains("工单编号,来电时间"))
        #expect(text.contains("GD002,2026-13-40 08:00"))

        // Sent again as a form upload, as the page sends it: nothing is stored twice.
        let boundary = "----cg-xlsx"
        var body = Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"工单.xlsx\"\r\n"
                + "Content-Type: \(Self.xlsxType)\r\n\r\n").utf8)
        body += Self.callLog(extraSheet: true)
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        #expect(again.status == 200)
        #expect(again.json["accepted"] as? Int == 0)
        #expect(again.json["duplicates"] as? Int == 2)
        let warnings = try #require(again.json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["reason"] as? String)?.contains("\"汇总\"") == true && $0["line"] as? Int == 1 })
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")
        // The workbook itself is the raw payload kept on disk.
        let path = try await sqlite(
            gateway.databasePath, "SELECT body_path FROM raw_payloads ORDER BY received_at LIMIT 1")
        #expect(FileManager.default.contents(atPath: path) == Self.callLog())
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "a workbook sent with the wrong profile is kept in quarantine as the workbook and imported from there with the right one"
    )
    func quarantinedWorkbook() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: Self.callLog(), headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 422)
        let error = try #require(reply.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "missing_columns")
        let rawID = try #require(error["raw_id"] as? String)
        let kept = try await gateway.request(.get, "/v1/quarantine/\(rawID)")
        #expect(kept.status == 200)
        #expect(kept.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == Self.xlsxType })
        #expect(kept.headers.contains { $0.0.lowercased() == "content-disposition" && $0.1.hasSuffix(".xlsx\"") })
        #expect(Data(kept.body) == Self.callLog())
        let reprocessed = try await gateway.request(.post, "/v1/quarantine/\(rawID)/reprocess?profile=12345")
        #expect(reprocessed.status == 200)
        #expect(reprocessed.json["accepted"] as? Int == 2)
        #expect((reprocessed.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "an .xlsx encrypted with Excel's built-in password is imported; one with a chosen password is refused and handed back as .xlsx"
    )
    func encryptedWorkbooks() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let builtIn = try Self.fixture("velvetsweatshop.xlsx")
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: builtIn,
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        // As the plain file: row 2 taken; row 3's date has no time, row 5's duration is 0.5 s.
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        let id = try #require((reply.json["ids_by_line"] as? [String: String])?["2"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        #expect(record["text"] as? String == "工地夜间施工,噪音\"很大\"\n凌晨两点还在打桩")
        let chosen = try Self.fixture("password.xlsx")
        let refused = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: chosen, headers: [("Content-Type", Self.xlsxType)])
        #expect(refused.status == 422)
        let error = try #require(refused.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "unreadable_workbook")
        #expect((error["message"] as? String)?.contains("saved with a password: remove the password first") == true)
        let rawID = try #require(error["raw_id"] as? String)
        let kept = try await gateway.request(.get, "/v1/quarantine/\(rawID)")
        #expect(kept.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == Self.xlsxType })
        #expect(kept.headers.contains { $0.0.lowercased() == "content-disposition" && $0.1.hasSuffix(".xlsx\"") })
        #expect(Data(kept.body) == chosen)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a workbook that opens with a summary sheet is read from the first sheet whose header fits the profile")
    func summarySheetFirst() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Self.callLog(summaryFirst: true),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's worksheet \"工单明细\"; not read: \"汇总\", whose header does not fit "
                + "profile \"12345\"")
        // A workbook with no sheet that fits is refused for its first sheet's header, as before.
        let none = Data(
            WorkbookBuilder.workbook(sheets: [
                .init(name: "汇总", rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>区域</t></is></c></row>"#),
                .init(name: "说明", rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row>"#),
            ]))
        let refused = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: none, headers: [("Content-Type", Self.xlsxType)])
        #expect(refused.status == 422)
        #expect(refused.errorMessage?.contains("区域") == true)
        try await gateway.stop()
        await downstream.stop()
    }

    /// A worksheet row of inline strings, from column A.
    static func row(_ line: Int, _ texts: [String]) -> String {
        let inline = { (cell: String, text: String) in #"<c r="\#(cell)" t="inlineStr"><is><t>\#(text)</t></is></c>"# }
        return "<row r=\"\(line)\">"
            + texts.enumerated().map { inline("\(Character(UnicodeScalar(65 + $0.offset)!))\(line)", $0.element) }
            .joined() + "</row>"
    }

    /// A log kept by month: a hidden notes sheet, a summary, `1月` (a title row above its header),
    /// `2月` with the same header, `3月` whose columns are in another order, with one added, and an
    /// empty sheet.
    static func monthlyLog() -> Data {
        let row = Self.row
        let header = ["工单编号", "来电时间", "来电号码", "诉求内容"]
        let january =
            row(1, ["2026年1月来电记录"]) + row(2, header)
            + row(3, ["M001", "2026-01-05 09:00:00", "13812345678", "路灯不亮"])
            + row(4, ["M002", "2026-13-40 08:00", "13812345679", "噪音扰民"])
        let february =
            row(1, header) + row(2, ["M003", "2026-02-03 10:00:00", "13812345670", "停水了"])
            + row(3, ["M001", "2026-02-04 11:00:00", "13812345678", "又坏了"])
            + row(4, ["M002", "2026-02-05 12:00:00", "13812345679", "噪音扰民"])
        let march =
            row(1, ["来电时间", "工单编号", "来电号码", "诉求内容", "处理结果"])
            + row(2, ["2026-03-01 09:00:00", "M004", "13812345671", "垃圾未清运", "已派单"])
            + row(3, ["2026-03-40 09:00", "M005", "13812345672", "占道经营", "已办结"])
        return Data(
            WorkbookBuilder.workbook(sheets: [
                .init(name: "说明", rows: row(1, ["本表按月记录"]), state: "hidden"),
                .init(name: "汇总", rows: row(1, ["区域", "工单数"]) + row(2, ["西湖区", "3"])),
                .init(name: "1月", rows: january), .init(name: "2月", rows: february),
                .init(name: "3月", rows: march),
                // An older Excel's new workbook holds empty sheets: nothing there to name as not read.
                .init(name: "Sheet3", rows: ""),
            ]))
    }

    @Test(
        "a workbook kept by month is read from every sheet whose header fits, each entry naming its sheet, the rejected rows in every sheet's columns"
    )
    func monthlySheets() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Self.monthlyLog(),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["sheets"] as? [String] == ["1月", "2月", "3月"])
        #expect(reply.json["rows"] as? Int == 7)
        #expect(reply.json["accepted"] as? Int == 3)
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(
            rejected.map { "\($0["sheet"] as? String ?? "")!\($0["line"] as? Int ?? 0)" } == [
                "1月!4", "2月!3", "2月!4", "3月!3",
            ])
        // 2月's M001 sits on the same line number as 1月's: still a second row, not the first sent again.
        #expect(rejected[1]["reason"] as? String == "duplicate ticket id M001 in this file (first at \"1月\" line 3)")
        #expect(
            rejected[2]["reason"] as? String
                == "duplicate ticket id M002 in this file (first at \"1月\" line 4, which was rejected: fix that row)")
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's 3 worksheets whose header fits profile \"12345\" (\"1月\", \"2月\", \"3月\"), "
                + "each row named by its worksheet and line; not read: \"汇总\", whose header does not fit profile "
                + "\"12345\"; \"说明\", hidden")
        #expect(
            warnings.contains {
                $0["sheet"] as? String == "1月" && $0["line"] as? Int == 1
                    && ($0["reason"] as? String)?.hasPrefix("line 1 before the header row (line 2) skipped") == true
            })
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        #expect(Set(ids.keys) == ["1月!3", "2月!2", "3月!2"])
        let february = try #require(ids["2月!2"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(february)").json["record"] as? [String: Any])
        #expect(record["text"] as? String == "停水了")
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        let lines = String(decoding: Data(download.body), as: UTF8.self).split(separator: "\r\n").map(String.init)
        // Every sheet's columns, in the order first met: 3月's rows under their own names.
        #expect(lines.first?.hasSuffix("工单编号,来电时间,来电号码,诉求内容,处理结果,line,reason") == true)
        // In sheet and line order, 2月!3 (rejected when its batch committed) among those rejected on reading.
        #expect(
            lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[5] } == [
                "1月!4", "2月!3", "2月!4", "3月!3",
            ])
        #expect(lines.contains { $0.hasPrefix("M002,2026-13-40 08:00,\"=\"\"13812345679\"\"\",噪音扰民,,1月!4,") })
        #expect(lines.contains { $0.hasPrefix("M005,2026-03-40 09:00,\"=\"\"13812345672\"\"\",占道经营,已办结,3月!3,") })

        // Sent again: the rows taken count as duplicates, nothing is stored twice.
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Self.monthlyLog(),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(again.json["accepted"] as? Int == 0)
        #expect(again.json["duplicates"] as? Int == 3)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "3")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "a log kept by month as openpyxl and LibreOffice save it: every fitting sheet read, the rejected rows fixed and sent back as one CSV",
        arguments: ["monthly.xlsx", "monthly.xls", "monthly.ods", "monthly-2003.xml"])
    func monthlyWorkbook(_ name: String) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345",
            body: try Self.fixture(name),
            headers: [("Content-Type", "application/octet-stream")])
        #expect(reply.status == 200)
        #expect(reply.json["sheets"] as? [String] == ["1月", "2月", "3月"])
        #expect(reply.json["rows"] as? Int == 6)
        #expect(reply.json["accepted"] as? Int == 3)
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(
            rejected.map { "\($0["sheet"] as? String ?? "")!\($0["line"] as? Int ?? 0)" } == ["1月!4", "2月!3", "3月!3"])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        // LibreOffice's XML 2003 export shows every sheet: the notes are read as a sheet that does not fit.
        let notRead =
            name.hasSuffix(".xml")
            ? "\"汇总\", \"说明\", whose header does not fit profile \"12345\""
            : "\"汇总\", whose header does not fit profile \"12345\"; \"说明\", hidden"
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's 3 worksheets whose header fits profile \"12345\" (\"1月\", \"2月\", \"3月\"), "
                + "each row named by its worksheet and line; not read: " + notRead)
        // The rejected rows, fixed in the one file that holds every sheet's columns, go back as a CSV.
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        let fixed = String(decoding: Data(download.body), as: UTF8.self)
            .replacingOccurrences(of: "2026-13-40 08:00", with: "2026-01-06 08:00")
            .replacingOccurrences(of: "2026-03-40 09:00", with: "2026-03-02 09:00")
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: Data(fixed.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(again.status == 200)
        #expect(again.json["accepted"] as? Int == 2)
        // 2月's M001 says otherwise than the M001 stored from 1月: counted, not applied.
        #expect(again.json["duplicates"] as? Int == 1)
        // The fixed file's rows in the workbook's order: 1月's, 2月's, then 3月's.
        let ids = try #require(again.json["ids_by_line"] as? [String: String])
        let march = try #require(ids["4"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(march)").json["record"] as? [String: Any])
        #expect(record["text"] as? String == "占道经营")
        #expect(record["received_at"] as? String == "2026-03-02T01:00:00Z")
        let extra = (record["source"] as? [String: Any])?["extra"] as? [String: Any]
        #expect((extra?.values.contains { $0 as? String == "已办结" }) == true)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a workbook of a sheet a day: every sheet read, the warning naming the first dozen")
    func sheetADay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let inline = { (cell: String, text: String) in #"<c r="\#(cell)" t="inlineStr"><is><t>\#(text)</t></is></c>"# }
        let sheets = (1...14).map { day in
            WorkbookBuilder.Sheet(
                name: "11月\(day)日",
                rows: #"<row r="1">\#(inline("A1", "工单编号"))\#(inline("B1", "来电时间"))\#(inline("C1", "诉求内容"))</row>"#
                    + #"<row r="2">\#(inline("A2", "D\(day)"))\#(inline("B2", "2026-11-\(day) 09:00:00"))"#
                    + #"\#(inline("C2", "路灯不亮"))</row>"#)
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(WorkbookBuilder.workbook(sheets: sheets)),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect((reply.json["sheets"] as? [String])?.count == 14)
        #expect(reply.json["accepted"] as? Int == 14)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            (warnings.first?["reason"] as? String)?.hasSuffix(
                "\"11月11日\", \"11月12日\", … (2 more)), each row named by its worksheet and line") == true)
        #expect((reply.json["ids_by_line"] as? [String: String])?["11月14日!2"] != nil)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "sheets whose header fits but whose name says they hold no calls (an example filled in, deleted tickets, a test) are not read beside the log; a lone one is"
    )
    func sheetsNamedNoCalls() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let header = Self.row(1, ["工单编号", "来电时间", "来电号码", "诉求内容"])
        let call = { (line: Int, ticket: String, text: String) in
            Self.row(line, [ticket, "2026-11-03 09:00:00", "13812345678", text])
        }
        let workbook = WorkbookBuilder.workbook(sheets: [
            .init(name: "填写示例", rows: header + call(2, "EX001", "示例：路灯不亮")),
            .init(name: "11月", rows: header + call(2, "N001", "路灯不亮") + call(3, "N002", "噪音扰民")),
            .init(name: "已删除工单", rows: header + call(2, "N003", "重复来电")),
            .init(name: "Test data", rows: header + call(2, "T001", "test")),
            .init(name: "Latest", rows: header + call(2, "N004", "停水了")),
        ])
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: Data(workbook),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["sheets"] as? [String] == ["11月", "Latest"])
        #expect(reply.json["accepted"] as? Int == 3)
        #expect(
            (reply.json["ids_by_line"] as? [String: String]).map { $0.keys.sorted() } == ["11月!2", "11月!3", "Latest!2"])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's 2 worksheets whose header fits profile \"12345\" (\"11月\", \"Latest\"), "
                + "each row named by its worksheet and line; not read: \"填写示例\", \"已删除工单\", \"Test data\", named "
                + "as holding no calls to take (a template, an example, deleted or voided tickets, a backup, a test: "
                + "rename a sheet to have it read)")
        // A workbook whose only fitting sheet is so named: that sheet is what staff meant to send.
        let lone = WorkbookBuilder.workbook(sheets: [
            .init(name: "汇总", rows: Self.row(1, ["区域", "工单数"])),
            .init(name: "模板导入", rows: header + call(2, "M001", "路灯不亮")),
        ])
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(lone), headers: [("Content-Type", Self.xlsxType)])
        #expect(again.status == 200)
        #expect(again.json["accepted"] as? Int == 1)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a filtered sheet's hidden rows are read like the others, and one warning names them")
    func filteredSheet() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // Rows 3 and 5 are filtered out; as in the unfiltered file they are read, and rejected for
        // their own reasons (a date without a time, a duration of 0.5 s), not dropped unseen.
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345",
            body: try Self.fixture("filtered.xlsx"),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        let hidden = warnings.filter { ($0["reason"] as? String)?.contains("hidden in the worksheet") == true }
        #expect(hidden.map { $0["line"] as? Int } == [3])
        #expect(
            hidden.first?["reason"] as? String
                == "2 rows hidden in the worksheet (filtered out or hidden by hand; lines 3, 5) read like the "
                + "others: to leave calls out, delete their rows rather than hide them")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("rows under a cell merged down a column are stored with its text, and one warning names them")
    func mergedSheet() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true",
            body: try Self.fixture("merged.xlsx"),
            headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 5)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        let merged = warnings.filter { ($0["reason"] as? String)?.contains("merged down a column") == true }
        #expect(
            merged.map { $0["reason"] as? String } == [
                "3 rows under cells merged down a column (lines 3, 5–6) read with the merged cell's text in that "
                    + "column, as the sheet shows them"
            ])
        #expect(merged.first?["line"] as? Int == 3)
        // Row 3 (李四) sits under 诉求类型 and 事发地址 merged from row 2.
        let id = try #require((reply.json["ids_by_line"] as? [String: String])?["3"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        // 噪音 is no category of the record's: kept as the file's.
        let extra = (record["source"] as? [String: Any])?["extra"] as? [String: Any]
        #expect(extra?["category"] as? String == "噪音")
        let location = record["location"] as? [String: Any]
        #expect(location?["address"] as? String == "西湖区文三路12号")
        #expect(location?["district"] as? String == "西湖区")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a two-row header whose 工单编号 and 诉求内容 span both rows (rowspan) is read from its second row")
    func twoRowHeader() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let page = """
            <html><head><meta charset="utf-8"></head><body><table>
            <tr><th rowspan="2">工单编号</th><th colspan="2">来电信息</th><th rowspan="2">诉求内容</th></tr>
            <tr><th>来电时间</th><th>来电号码</th></tr>
            <tr><td>H201</td><td>2026-11-03 08:15:02</td><td>13812345678</td><td>工地夜间施工</td></tr>
            </table></body></html>
            """
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: Data(page.utf8),
            headers: [("Content-Type", "application/vnd.ms-excel")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["ids_by_line"] as? [String: String])?.keys.sorted() == ["3"])
        // The header's own filled cell is no call row's: no warning for it.
        let warnings = (reply.json["warnings"] as? [[String: Any]]) ?? []
        #expect(!warnings.contains { ($0["reason"] as? String)?.contains("merged down") == true })
        try await gateway.stop()
        await downstream.stop()
    }

    /// Posts `file`, a call log whose row 2 is call GD101's or H101's (8:15:02 on 2026-11-03, from
    /// 13812345678, its text on two lines) and whose row `rejectedLine` is rejected; then posts it
    /// with the wrong profile and checks it is kept and handed back typed `keptAs`, named `.suffix`.
    /// - Returns: The kept upload's raw payload id.
    static func importedAndHandedBack(
        _ gateway: RunningGateway, _ file: Data, sentAs type: String, wrongSentAs wrongType: String,
        rejectedLine: Int, keptAs keptType: String, suffix: String
    ) async throws -> String {
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: file, headers: [("Content-Type", type)])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [rejectedLine])
        let id = try #require((reply.json["ids_by_line"] as? [String: String])?["2"])
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(id)").json["record"] as? [String: Any])
        #expect(record["received_at"] as? String == "2026-11-03T00:15:02Z")
        #expect(((record["complainant"] as? [String: Any])?["phone"] as? String)?.hasSuffix("13812345678") == true)
        #expect(record["text"] as? String == "工地夜间施工\n凌晨还在打桩")

        let wrong = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: file, headers: [("Content-Type", wrongType)])
        #expect(wrong.status == 422)
        let rawID = try #require((wrong.json["error"] as? [String: Any])?["raw_id"] as? String)
        let kept = try await gateway.request(.get, "/v1/quarantine/\(rawID)")
        #expect(kept.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == keptType })
        #expect(kept.headers.contains { $0.0.lowercased() == "content-disposition" && $0.1.hasSuffix(".\(suffix)\"") })
        #expect(Data(kept.body) == file)
        return rawID
    }

    @Test(
        "an OpenDocument spreadsheet (.ods) is imported like its CSV; sent with the wrong profile it is handed back as .ods"
    )
    func openDocumentUpload() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let cell = WorkbookBuilder.openDocumentCell
        let header = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
        let body = """
            <table:table table:name="工单"><table:table-row>\(header.map(cell).joined())</table:table-row>\
            <table:table-row>\(cell("GD101"))<table:table-cell office:value-type="date" \
            office:date-value="2026-11-03T08:15:02"/><table:table-cell office:value-type="float" \
            office:value="13812345678"/>\(cell("王先生"))\(cell("投诉"))<table:table-cell office:value-type="string">\
            <text:p>工地夜间施工</text:p><text:p>凌晨还在打桩</text:p></table:table-cell>\(cell("西湖区文三路1号"))\
            \(cell("ZX1001"))<table:table-cell office:value-type="float" office:value="125"/></table:table-row>\
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="9"/>\
            </table:table-row><table:table-row>\(cell("GD102"))\(cell("2026-13-40 08:00"))\
            <table:table-cell table:number-columns-repeated="3"/>\(cell("路灯不亮"))</table:table-row></table:table>
            """
        let spreadsheet = Data(WorkbookBuilder.openDocument(body: body))
        let odsType = "application/vnd.oasis.opendocument.spreadsheet"
        _ = try await Self.importedAndHandedBack(
            gateway, spreadsheet, sentAs: odsType, wrongSentAs: odsType, rejectedLine: 5, keptAs: odsType, suffix: "ods"
        )
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "an Excel 97–2003 workbook (.xls) is imported like its CSV; one sent with the wrong profile is handed back as .xls and reprocessed"
    )
    func legacyWorkbookUpload() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        typealias B = LegacyWorkbookBuilder
        let header = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
        let texts = header + ["GD101", "王先生", "投诉", "工地夜间施工\n凌晨还在打桩", "西湖区文三路1号", "ZX1001", "GD102", "路灯不亮"]
        var cells = header.indices.map { B.labelSST(0, $0, $0) }.joined().map { $0 }
        cells += B.labelSST(1, 0, 9) + B.number(1, 1, 46329.34377314815, style: 1) + B.number(1, 2, 13_812_345_678)
        cells += (3...7).map { B.labelSST(1, $0, $0 + 7) }.joined() + B.rk(1, 8, 125 << 2 | 0x02)
        cells += B.labelSST(4, 0, 15) + B.record(0x0204, B.cell(4, 1) + B.string("2026-13-40 08:00"))
        cells += B.labelSST(4, 5, 16)
        let stream = B.workbookStream(
            sheets: [("工单", false, cells)], strings: B.sharedStrings(texts), formats: [164: "yyyy/m/d h:mm:ss"],
            styles: [0, 164])
        let workbook = Data(B.compoundFile([("Workbook", stream + [UInt8](repeating: 0, count: 4096))]))
        let xlsType = "application/vnd.ms-excel"
        let rawID = try await Self.importedAndHandedBack(
            gateway, workbook, sentAs: xlsType, wrongSentAs: "text/csv", rejectedLine: 5, keptAs: xlsType, suffix: "xls"
        )
        // Imported from quarantine with the right profile: its one good row is already taken.
        let reprocessed = try await gateway.request(.post, "/v1/quarantine/\(rawID)/reprocess?profile=12345")
        #expect(reprocessed.status == 200)
        #expect(reprocessed.json["accepted"] as? Int == 0 && reprocessed.json["duplicates"] as? Int == 1)
        #expect((reprocessed.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [5])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an \"Excel export\" that is an HTML table (GB2312) is imported by its rows and handed back as .xls")
    func webPageExport() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let header = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
        let cells = { (row: [String]) in "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }
        let page =
            #"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><table>"#
            + cells(header)
            + cells(["H101", "2026/11/3 8:15:02", "13812345678", "王先生", "投诉", "工地夜间施工<br>凌晨还在打桩", "西湖区", "ZX1", "125"])
            + cells(["H102", "2026-13-40 08:00", "", "", "", "路灯不亮", "", "", ""]) + "</table></body></html>"
        let body = Data(try Transcoder.encoder(for: .gb18030).convert(Array(page.utf8)))
        _ = try await Self.importedAndHandedBack(
            gateway, body, sentAs: "application/vnd.ms-excel", wrongSentAs: "text/html", rejectedLine: 3,
            keptAs: "application/vnd.ms-excel", suffix: "xls")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an \"Excel export\" that is an XML Spreadsheet 2003 is imported by its rows and handed back as .xls")
    func xmlSpreadsheetExport() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let header = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
        let cells = { (row: [String]) in
            "<Row>" + row.map { #"<Cell><Data ss:Type="String">\#($0)</Data></Cell>"# }.joined() + "</Row>\n"
        }
        let book = """
            <?xml version="1.0" encoding="utf-8"?>
            <?mso-application progid="Excel.Sheet"?>
            <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
            <Worksheet ss:Name="工单"><Table>
            \(cells(header))\
            \(cells(["H101", "2026/11/3 8:15:02", "13812345678", "王先生", "投诉", "工地夜间施工&#10;凌晨还在打桩", "西湖区", "ZX1", "125"]))\
            \(cells(["H102", "2026-13-40 08:00", "", "", "", "路灯不亮", "", "", ""]))\
            </Table></Worksheet></Workbook>
            """
        _ = try await Self.importedAndHandedBack(
            gateway, Data(book.utf8), sentAs: "text/xml", wrongSentAs: "application/vnd.ms-excel", rejectedLine: 3,
            keptAs: "application/vnd.ms-excel", suffix: "xls")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("damage found half-way through a workbook: the rows taken stay, the upload goes to quarantine at once")
    func damagedHalfWay() async throws {
        let downstream = try await DownstreamServer.start(defaultScript: .sleep(.seconds(30)))
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // Stored, not deflated: 6,000 rows are several of the reader's 256 KiB pieces, so the
        // upload is recorded and batches commit before the last row names a string that is not there.
        let header = ["工单编号", "来电时间", "诉求内容"].enumerated().map { index, name in
            "<c r=\"\(["A", "B", "C"][index])1\" t=\"inlineStr\"><is><t>\(name)</t></is></c>"
        }
        var rows = "<row r=\"1\">\(header.joined())</row>"
        for row in 2...6_000 {
            rows +=
                "<row r=\"\(row)\"><c r=\"A\(row)\" t=\"inlineStr\"><is><t>HW\(row)</t></is></c>"
                + "<c r=\"B\(row)\" t=\"inlineStr\"><is><t>2026-11-03 08:15</t></is></c>"
                + "<c r=\"C\(row)\" t=\"inlineStr\"><is><t>路灯不亮，已经三天了，请尽快修理</t></is></c></row>"
        }
        rows += "<row r=\"6001\"><c r=\"A6001\" t=\"s\"><v>99</v></c></row>"
        let book = Data(WorkbookBuilder.workbook(sheets: [.init(name: "S", rows: rows)], deflate: false))
        #expect(book.count > 600_000)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: book, headers: [("Content-Type", Self.xlsxType)])
        #expect(reply.status == 422)
        let error = try #require(reply.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "unreadable_workbook")
        let message = try #require(error["message"] as? String)
        #expect(message.contains("row 6001 names shared string 99"))
        #expect(message.contains("the rows read before the damage stay stored"))
        let rawID = try #require(error["raw_id"] as? String)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
                == "quarantined")
        let taken = Int(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints")) ?? -1
        #expect(taken >= 2_000 && taken < 6_000, "\(taken) rows taken")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a zipped file that is no workbook (a Word document) is refused as what it is and kept in quarantine")
    func wordDocument() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let docx = WorkbookBuilder.zip([
            ("[Content_Types].xml", Array("<Types/>".utf8)), ("word/document.xml", Array("<w:document/>".utf8)),
        ])
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(docx), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        let error = try #require(reply.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "not_csv")
        #expect((error["message"] as? String)?.contains("a Word document (.docx)") == true)
        let rawID = try #require(error["raw_id"] as? String)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
                == "quarantined")
        try await gateway.stop()
        await downstream.stop()
    }
}
