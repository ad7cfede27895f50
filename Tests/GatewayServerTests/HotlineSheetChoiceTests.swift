import Foundation
import GatewayTestSupport
import Testing

/// `?sheet=`: the sender names a workbook's worksheets to read, by name or tab position, and the
/// choice stays with the upload (quarantine, an import a stop cut short).
@Suite("Hotline upload of the worksheets the sender names")
struct HotlineSheetChoiceTests {
    private static let upload = "/v1/hotline/calls?profile=12345"

    private func send(
        _ gateway: RunningGateway, _ query: String, _ body: Data = HotlineWorkbookUploadTests.monthlyLog()
    )
        async throws -> RunningGateway.Reply
    {
        try await gateway.request(
            .post, Self.upload + query, body: body, headers: [("Content-Type", HotlineWorkbookUploadTests.xlsxType)])
    }

    private func texts(_ gateway: RunningGateway) async throws -> [String] {
        try await sqlite(
            gateway.databasePath,
            "SELECT json_extract(CAST(record AS TEXT), '$.text') FROM complaints ORDER BY external_id"
        )
        .split(separator: "\n").map(String.init)
    }

    @Test("one sheet named, by name or by its tab's position: that sheet alone, whatever the others hold")
    func oneSheet() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // Spaces around the name, as pasted, are no part of it.
        let named = try await send(gateway, "&sheet=%202%E6%9C%88%20")
        #expect(named.status == 200)
        #expect(named.json["rows"] as? Int == 3)
        #expect(named.json["accepted"] as? Int == 3)
        #expect(named.json["sheets"] == nil)
        // The report says which sheet was read, and which were not: a name left over from another
        // upload would otherwise read one sheet alone unseen.
        let warnings = try #require(named.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's worksheet \"2月\", named to be read; not read: \"汇总\", \"1月\", \"3月\", "
                + "\"Sheet3\", not named; \"说明\", hidden")
        #expect(try await texts(gateway) == ["又坏了", "噪音扰民", "停水了"])
        // The tabs shown are 汇总, 1月, 2月, 3月 and Sheet3 (说明 is hidden): the fourth is 3月.
        let byPosition = try await send(gateway, "&sheet=4")
        #expect(byPosition.json["rows"] as? Int == 2)
        #expect(byPosition.json["accepted"] as? Int == 1)
        #expect((byPosition.json["rejected"] as? [[String: Any]])?.first?["line"] as? Int == 3)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the one sheet of a workbook named, by name or as 1: read from its first row, as without a name")
    func onlySheetNamed() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let workbook = HotlineWorkbookUploadTests.callLog()
        let plain = try await send(gateway, "", workbook)
        for query in ["&sheet=1", "&sheet=" + Self.onlySheetName] {
            let named = try await send(gateway, query, workbook)
            #expect(named.status == 200)
            #expect(named.json["rows"] as? Int == plain.json["rows"] as? Int)
            #expect(named.json["duplicates"] as? Int == plain.json["accepted"] as? Int, "\(query)")
            #expect(
                (named.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int }
                    == (plain.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int })
        }
        try await gateway.stop()
        await downstream.stop()
    }

    /// The one sheet's name in `HotlineWorkbookUploadTests.callLog()`, 工单明细, percent-encoded.
    private static let onlySheetName = "%E5%B7%A5%E5%8D%95%E6%98%8E%E7%BB%86"

    @Test("several sheets named: read in the order named, each row named by its sheet, the warning naming them")
    func severalSheets() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await send(gateway, "&sheet=3%E6%9C%88&sheet=1%E6%9C%88&sheet=3%E6%9C%88")
        #expect(reply.status == 200)
        #expect(reply.json["sheets"] as? [String] == ["3月", "1月"])
        #expect(reply.json["rows"] as? Int == 4)
        #expect(reply.json["accepted"] as? Int == 2)
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(rejected.map { "\($0["sheet"] as? String ?? "")!\($0["line"] as? Int ?? 0)" } == ["3月!3", "1月!4"])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "read from the workbook's 2 worksheets named to be read (\"3月\", \"1月\"), each row named by its "
                + "worksheet and line; not read: \"汇总\", \"2月\", \"Sheet3\", not named; \"说明\", hidden")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a sheet the workbook lacks, or hides, or one whose header does not fit: refused, said why, kept")
    func refusedChoices() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let missing = try await send(gateway, "&sheet=4%E6%9C%88")
        #expect(missing.status == 422)
        #expect(missing.errorCode == "unknown_sheet")
        #expect(
            missing.errorMessage
                == "the workbook has no worksheet \"4月\" to read (its worksheets, in tab order: \"汇总\", \"1月\", "
                + "\"2月\", \"3月\", \"Sheet3\"); name one of them, or its position from 1")
        let hidden = try await send(gateway, "&sheet=%E8%AF%B4%E6%98%8E")
        #expect(hidden.errorCode == "unknown_sheet")
        #expect(
            hidden.errorMessage?.hasPrefix("the worksheet \"说明\" named to be read is hidden in the workbook") == true)
        #expect(try await send(gateway, "&sheet=9").errorCode == "unknown_sheet")
        // Reading 1月 alone would pass for the whole of what was asked. (Excel's sheet names ignore case.)
        let unfit = try await send(gateway, "&sheet=1%E6%9C%88&sheet=%E6%B1%87%E6%80%BB&sheet=sheet3")
        #expect(unfit.status == 422)
        #expect(unfit.errorCode == "unfit_sheet")
        #expect(
            unfit.errorMessage
                == "of the worksheets named to be read, \"汇总\" has no header that fits profile \"12345\"; \"Sheet3\" "
                + "holds nothing (each looked at in its first 10 rows): leave such a sheet out, or fix it, and upload "
                + "the file again")
        // One sheet named, not fitting: the header's own refusal, which says what is missing.
        let summary = try await send(gateway, "&sheet=%E6%B1%87%E6%80%BB")
        #expect(summary.errorCode == "missing_columns")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        #expect(
            try await sqlite(
                gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'") == "5")

        // Taken out of quarantine with the sheet meant: imported from it, the choice kept with it.
        let rawID = try #require((missing.json["error"] as? [String: Any])?["raw_id"] as? String)
        let again = try await gateway.request(
            .post, "/v1/quarantine/\(rawID)/reprocess?sheet=2%E6%9C%88", headers: [])
        #expect(again.status == 200, "\(again.json)")
        #expect(again.json["accepted"] as? Int == 3)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT headers FROM raw_payloads WHERE id = '\(rawID)'")
                .contains(#"{"name":"X-Sheet","value":"2月"}"#))
        #expect(
            !(try await sqlite(gateway.databasePath, "SELECT headers FROM raw_payloads WHERE id = '\(rawID)'")
                .contains("4月")))
        // The copies that asked for other sheets stay in quarantine: their calls were not all read.
        let quarantined = "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'"
        #expect(try await sqlite(gateway.databasePath, quarantined) == "4")
        // `sheet=` alone: the sheets the gateway picks. Of their rows only 3月's M004 is new.
        let hiddenID = try #require((hidden.json["error"] as? [String: Any])?["raw_id"] as? String)
        let picked = try await gateway.request(.post, "/v1/quarantine/\(hiddenID)/reprocess?sheet=", headers: [])
        #expect(picked.json["sheets"] as? [String] == ["1月", "2月", "3月"])
        #expect(picked.json["accepted"] as? Int == 1)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "4")
        // Every fitting sheet read: nothing of the other copies is left to do.
        #expect(try await sqlite(gateway.databasePath, quarantined) == "0")
        // An empty profile is a mistake (an unset shell variable), unlike an empty sheet.
        let emptyProfile = try await gateway.request(.post, "/v1/quarantine/\(rawID)/reprocess?profile=", headers: [])
        #expect(emptyProfile.status == 400)
        #expect(emptyProfile.errorMessage == "profile is empty: leave it out instead")
        // A payload that is no upload has no sheets.
        let wrongType = try await gateway.request(.post, "/v1/complaints", body: Data(#"{"text":5}"#.utf8))
        let apiID = try #require((wrongType.json["error"] as? [String: Any])?["raw_id"] as? String)
        let notUpload = try await gateway.request(.post, "/v1/quarantine/\(apiID)/reprocess?sheet=1", headers: [])
        #expect(notUpload.status == 400)
        #expect(
            notUpload.errorMessage == "sheet names a workbook's worksheet; payload \(apiID) came by api",
            "\(notUpload.json)")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a CSV file sent with sheets named is read whole, and the report says the names were not used")
    func csvWithSheets() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, Self.upload + "&sheet=Sheet1", body: Data(HotlineUploadTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.first?["reason"] as? String
                == "worksheets were named to be read (\"Sheet1\"), but the file is CSV, which has none: it was read whole"
        )
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an import a stop cut short is finished from the sheets named with it")
    func resumedWithChoice() async throws {
        let downstream = try await DownstreamServer.start()
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        let refused = try await send(first, "&sheet=4%E6%9C%88")
        let rawID = try #require((refused.json["error"] as? [String: Any])?["raw_id"] as? String)
        try await first.stop()
        // As a stop leaves an upload named to be read from 2月, mid-import.
        _ = try await sqlite(
            first.databasePath,
            #"UPDATE raw_payloads SET disposition = 'importing', error = NULL, "#
                + #"headers = '[{"name":"X-Sheet","value":"2月"}]' WHERE id = '\#(rawID)'"#)
        let second = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: first.dataDirectory)
        try await eventually(timeout: .seconds(60), "the import finished") {
            try await sqlite(second.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
                == "accepted"
        }
        #expect(try await texts(second) == ["又坏了", "噪音扰民", "停水了"])
        try await second.stop()
        await downstream.stop()
    }
}
