import Foundation
import GatewayTestSupport
import Testing

@Suite("Hotline import that the store refuses")
struct HotlineImportFailureTests {
    /// Paths in the uploads directory this process still holds open.
    private func openUploadFiles(in dataDirectory: URL) throws -> [String] {
        let uploads = dataDirectory.appendingPathComponent("uploads").resolvingSymlinksInPath().path
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
            return target.flatMap { $0.hasPrefix(uploads + "/") ? $0 : nil }
        }
    }

    /// The store's own refusal of one ticket's row, as a full disk or an I/O error gives it:
    /// raised inside the batch that holds it.
    private func refuse(ticket: String, in gateway: RunningGateway) async throws {
        _ = try await sqlite(
            gateway.databasePath,
            """
            CREATE TRIGGER refuse_ticket BEFORE INSERT ON complaints WHEN NEW.external_id = '\(ticket)'
            BEGIN SELECT RAISE(ABORT, 'injected refusal'); END
            """)
    }

    /// Lets the store take every row again.
    private func allowAll(in gateway: RunningGateway) async throws {
        _ = try await sqlite(gateway.databasePath, "DROP TRIGGER refuse_ticket")
    }

    /// A call log of `rows` good calls, their tickets `prefix` and the row's number (more rows than
    /// one commit batch holds when `rows` is over 2,000).
    static func callLog(ticketPrefix prefix: String, rows: Int) -> String {
        var file = HotlineUploadTests.header
        for row in 1...rows {
            file += "\(prefix)\(row),2026/11/3 9:00,13812345678,甲,投诉,第\(row)次来电：路灯不亮,西湖区文三路\(row)号,A1,30\r\n"
        }
        return file
    }

    private func hotlineCount(_ gateway: RunningGateway) async throws -> Int {
        Int(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE channel = 'hotline'")) ?? -1
    }

    private func upload(_ file: String, to gateway: RunningGateway) async throws -> RunningGateway.Reply {
        try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
    }

    @Test("a commit that fails answers 503 with the upload's raw id, stores none of its batch, leaves no file open")
    func failedCommitLeavesNothingOpen() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        try await refuse(ticket: "BOOM", in: gateway)
        let file =
            HotlineUploadTests.header
            + "GD-F1,2026-13-40 08:00,13812345678,甲,投诉,日期写错了,西湖区文三路1号,A1,60\r\n"
            + "GD-F2,2026/11/3 9:00,13812345678,乙,投诉,路灯不亮,西湖区文三路2号,A1,30\r\n"
            + "BOOM,2026/11/3 9:10,13812345678,丙,投诉,噪音很大,西湖区文三路3号,A1,30\r\n"
        for _ in 0..<3 {
            let answer = try await upload(file, to: gateway)
            #expect(answer.status == 503)
            #expect(answer.errorCode == "store_unavailable")
            #expect(answer.headers.contains { $0.0.lowercased() == "retry-after" })
            #expect((answer.json["error"] as? [String: Any])?["raw_id"] as? String != nil)
            let message = answer.errorMessage ?? ""
            #expect(message.hasPrefix("the import stopped: the store could not commit its rows (write_failed)"))
            // The client is told what to do, not the store's statements.
            #expect(!message.contains("INSERT"), "\(message)")
        }
        // The gateway tries the stopped uploads again on its own (it looks every 5 s), and the
        // store refuses again: they stay `importing`, to be tried later, not quarantined.
        try await Task.sleep(for: .seconds(6))
        // The rejected row opened the rejected-rows file before the batch failed: closed since.
        // (A retry holds its upload's files while it runs: a leak stays open, those close.)
        try await eventually(timeout: .seconds(20), "no upload file open") {
            try openUploadFiles(in: gateway.dataDirectory) == []
        }
        #expect(try await hotlineCount(gateway) == 0)
        let stopped = "SELECT count(*) FROM raw_payloads WHERE channel = 'hotline' AND disposition = 'importing'"
        #expect(try await sqlite(gateway.databasePath, stopped) == "3", "the store's refusal is not the file's fault")
        try await allowAll(in: gateway)
        // The same file once the store takes it again: the good rows are taken, nothing twice
        // (by this upload, or by the gateway finishing one of the stopped ones first).
        let answer = try await upload(file, to: gateway)
        #expect((answer.json["accepted"] as? Int ?? 0) + (answer.json["duplicates"] as? Int ?? 0) == 2)
        #expect((answer.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [2])
        #expect(try await hotlineCount(gateway) == 2)
        // The stopped uploads are finished by the gateway: none stays half-done.
        try await eventually(timeout: .seconds(60), "the stopped uploads finished") {
            try await sqlite(gateway.databasePath, stopped) == "0"
        }
        #expect(try await hotlineCount(gateway) == 2)
        try await eventually(timeout: .seconds(20), "no upload file open") {
            try openUploadFiles(in: gateway.dataDirectory) == []
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("batches committed before the failure stay; the file sent again takes the rest and counts them as duplicates")
    func committedBatchesStay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // More rows than one commit batch holds, the refused one last.
        let rows = 5000
        try await refuse(ticket: "GD-M\(rows)", in: gateway)
        let file = Self.callLog(ticketPrefix: "GD-M", rows: rows)
        let failed = try await upload(file, to: gateway)
        #expect(failed.status == 503)
        let kept = try await hotlineCount(gateway)
        #expect(kept > 0 && kept < rows, "\(kept) rows kept")
        try await allowAll(in: gateway)
        let again = try await upload(file, to: gateway)
        // The gateway may have taken the rest itself meanwhile (finishing the stopped upload).
        let accepted = again.json["accepted"] as? Int ?? -1
        #expect(accepted == rows - kept || accepted == 0, "\(accepted) accepted")
        #expect(again.json["duplicates"] as? Int == rows - accepted)
        #expect(try await hotlineCount(gateway) == rows)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an import the store stopped is finished once the store takes commits again, by this gateway or the next")
    func stoppedImportFinishedAtRestart() async throws {
        let downstream = try await DownstreamServer.start()
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        let rows = 4500
        try await refuse(ticket: "GD-R\(rows)", in: first)
        let file = Self.callLog(ticketPrefix: "GD-R", rows: rows)
        let failed = try await upload(file, to: first)
        #expect(failed.status == 503)
        let rawID = try #require((failed.json["error"] as? [String: Any])?["raw_id"] as? String)
        #expect(
            try await sqlite(first.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
                == "importing")
        try await allowAll(in: first)
        try await first.stop()
        // The kept file is imported again under the same upload: the rest is taken, nothing twice.
        let second = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: first.dataDirectory)
        try await eventually(timeout: .seconds(60), "the stopped import finished") {
            try await sqlite(second.databasePath, "SELECT disposition FROM raw_payloads WHERE id = '\(rawID)'")
                == "accepted"
        }
        #expect(try await hotlineCount(second) == rows)
        #expect(
            try await sqlite(
                second.databasePath,
                "SELECT count(DISTINCT external_id) FROM complaints WHERE channel = 'hotline' AND raw_id = '\(rawID)'")
                == "\(rows)")
        try await second.stop()
        await downstream.stop()
    }
}
