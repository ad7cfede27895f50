import Foundation
import GatewayTestSupport
import Testing

@Suite("Hotline CSV upload")
struct HotlineUploadTests {
    static let header = "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长\r\n"
    static let file =
        header
        + "GD001,2026/11/3 8:15,13812345678,王先生,投诉,\"工地夜间施工,噪音很大\",西湖区文三路1号,ZX1001,125\r\n"
        + "GD002,2026-13-40 08:00,13812345678,李女士,投诉,路灯不亮,滨江区江南大道2号,ZX1002,60\r\n"
        + "GD003,2026年11月3日 9时05分,1.38123E+10,,咨询,停水了,上城区解放路3号,ZX1003,30\r\n"
        + "GD001,2026/11/3 8:20,13812345678,王先生,投诉,又打来了,西湖区文三路1号,ZX1001,20\r\n"

    /// The counter's value in the process's metrics (shared by every in-process gateway).
    private func duplicatesCounted(_ gateway: RunningGateway) async throws -> Double {
        let text = String(decoding: try await gateway.request(.get, "/metrics").body, as: UTF8.self)
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("cg_complaints_duplicate_total{channel=\"hotline\"}")
        }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }

    @Test(
        "a ticket whose first row was rejected is refused in its later rows too, so the fixed first row is the one kept"
    )
    func repeatedTicketAfterARejectedFirst() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let file =
            Self.header
            + "DUP-A1,2026-13-40 08:00,13800000001,甲,投诉,第一次来电：噪音,西湖区文三路1号,A1,60\r\n"
            + "DUP-A1,2026/11/3 9:00,13800000001,甲,投诉,第二次来电：另一件事,西湖区文三路1号,A1,30\r\n"
            + "GD900,2026/11/3 9:10,13800000002,乙,投诉,路灯不亮,西湖区文三路2号,A1,30\r\n"
        let first = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(first.json["accepted"] as? Int == 1)
        let rejected = try #require(first.json["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [2, 3])
        #expect(
            rejected.last?["reason"] as? String
                == "duplicate ticket id DUP-A1 in this file (first at line 2, which was rejected: fix that row)")
        // Staff fix the first row and send both back: the first is taken, the other is its duplicate.
        let fixed =
            Self.header
            + "DUP-A1,2026/11/3 8:00,13800000001,甲,投诉,第一次来电：噪音,西湖区文三路1号,A1,60\r\n"
            + "DUP-A1,2026/11/3 9:00,13800000001,甲,投诉,第二次来电：另一件事,西湖区文三路1号,A1,30\r\n"
        let countedBefore = try await duplicatesCounted(gateway)
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(fixed.utf8), headers: [("Content-Type", "text/csv")])
        #expect(again.json["accepted"] as? Int == 1)
        #expect((again.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE external_id = 'DUP-A1'")
                == "1")
        let ids = try #require(again.json["ids_by_line"] as? [String: String])
        let stored = try await gateway.request(.get, "/v1/complaints/\(try #require(ids["2"]))")
        #expect((stored.json["record"] as? [String: Any])?["text"] as? String == "第一次来电：噪音")
        // Re-sent rows are counted as duplicates in the metrics, as for every channel.
        _ = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(fixed.utf8), headers: [("Content-Type", "text/csv")])
        #expect(try await duplicatesCounted(gateway) >= countedBefore + 1)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the shipped 12345 profile takes a log with only the columns a complaint needs")
    func fewestColumns() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let file = "工单编号,来电时间,来电号码,诉求内容\r\nMIN-1,2026/11/3 8:15,13812345678,小区停水三天了\r\n"
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [Any])?.isEmpty == true)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the kept upload names the sending token's name once: a client's own X-Token-Name is dropped")
    func tokenNameNotForged() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(Self.file.utf8),
            headers: [("Content-Type", "text/csv"), ("X-Token-Name", "someone-else")])
        let rawID = try #require(reply.json["raw_id"] as? String)
        let headers = try await sqlite(
            gateway.databasePath, "SELECT CAST(headers AS TEXT) FROM raw_payloads WHERE id = '\(rawID)'")
        #expect(headers.lowercased().components(separatedBy: "x-token-name").count == 2, "\(headers)")
        #expect(headers.contains(#"{"name":"X-Token-Name","value":"operator"}"#), "\(headers)")
        #expect(!headers.contains("someone-else"))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a profile given twice, or an unknown query parameter, is refused before anything is read")
    func queryRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for query in ["profile=12345&profile=311", "profile=12345&profil=311"] {
            let reply = try await gateway.request(
                .post, "/v1/hotline/calls?\(query)", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")]
            )
            #expect(reply.status == 400, "\(query)")
            #expect(reply.errorCode == "invalid_request", "\(query)")
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a raw text/csv upload answers the report; the same file again creates nothing")
    func rawUploadAndReupload() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let first = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(Self.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(first.status == 200)
        let report = first.json
        #expect(report["rows"] as? Int == 4)
        #expect(report["accepted"] as? Int == 2)
        #expect(report["duplicates"] as? Int == 0)
        #expect(report["encoding"] as? String == "utf-8")
        let rejected = try #require(report["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [3, 5])
        #expect((rejected[0]["reason"] as? String)?.hasPrefix("unparseable call time") == true)
        #expect(rejected[1]["reason"] as? String == "duplicate ticket id GD001 in this file (first at line 2)")
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(warnings.first?["line"] as? Int == 4)
        let ids = try #require(report["ids_by_line"] as? [String: String])
        #expect(Set(ids.keys) == ["2", "4"])
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE channel = 'hotline'") == "2")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM outbox") == "2")
        // received_at is the call time (Shanghai), not the upload time.
        let detail = try await gateway.request(.get, "/v1/complaints/\(ids["2"]!)")
        let record = try #require(detail.json["record"] as? [String: Any])
        #expect(record["received_at"] as? String == "2026-11-03T00:15:00Z")
        #expect((record["source"] as? [String: Any])?["external_id"] as? String == "GD001")

        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(Self.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(again.json["accepted"] as? Int == 0)
        #expect(again.json["duplicates"] as? Int == 2)
        // The ticket repeated inside the file is still rejected as such, not counted twice.
        #expect((again.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        #expect((again.json["ids_by_line"] as? [String: String]) == ids)
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2")
        // Both uploads are kept, with their hash, on disk beside the database.
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE body_path IS NOT NULL")
                == "2")

        let download = try await gateway.request(.get, try #require(report["rejected_csv"] as? String))
        #expect(download.status == 200)
        // The upload had no byte-order mark; the rejected rows get one, or Excel reads them as GBK.
        #expect(download.body.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: download.body.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix(Self.header.dropLast(1) + ",line,reason\r\n"))
        #expect(text.contains("GD002,2026-13-40 08:00,"))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "over several commit batches, the first occurrence of a ticket id is the one kept; the rejected-rows file is in line order"
    )
    func duplicatesAcrossBatches() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // Lines 2...7001; line 6501 repeats line 2's ticket and line 2501 repeats line 2001's,
        // each in a later batch of 2,000 rows than the first; lines 1000, 3000, 5000 and 7000
        // have no valid call time.
        var file = Self.header
        for line in 2...7001 {
            let ticket = line == 6501 ? 2 : line == 2501 ? 2001 : line
            let time = line % 2000 == 1000 ? "2026/13/3 8:15" : "2026/11/3 8:15"
            file += "T\(ticket),\(time),13812345678,王先生,投诉,第\(line)行,西湖区文三路1号,ZX1001,60\r\n"
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 6994)
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [1000, 2501, 3000, 5000, 6501, 7000])
        #expect(
            rejected.compactMap { $0["reason"] as? String }.filter { $0.hasPrefix("duplicate") } == [
                "duplicate ticket id T2001 in this file (first at line 2001)",
                "duplicate ticket id T2 in this file (first at line 2)",
            ])
        // The rejected-rows file too, though two of them were rejected only when their batch
        // committed, after rows read later had been.
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        let lines = String(decoding: Data(download.body), as: UTF8.self).split(separator: "\r\n").dropFirst()
        #expect(lines.map { $0.split(separator: ",")[9] } == ["1000", "2501", "3000", "5000", "6501", "7000"])
        let kept = try await sqlite(
            gateway.databasePath,
            "SELECT raw_line FROM complaints WHERE external_id IN ('T2', 'T2001') ORDER BY raw_line")
        #expect(kept == "2\n2001")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "a row repeated as it was in the same file (in its batch or a later one) counts as a duplicate, with a warning")
    func identicalRowRepeated() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // Line 3 repeats line 2 in its batch, line 2050 in a later one (batches of 2,000 rows);
        // line 4 repeats line 2's ticket saying something else: another call, still refused.
        var file = Self.header
        func call(_ ticket: Int, _ text: String) -> String {
            "T\(ticket),2026/11/3 8:15,13812345678,王先生,投诉,\(text),西湖区文三路1号,ZX1001,60\r\n"
        }
        for line in 2...2100 {
            switch line {
            case 3, 2050: file += call(2, "第2行")
            case 4: file += call(2, "另一件事")
            default: file += call(line, "第\(line)行")
            }
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: Data(file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2096)
        #expect(reply.json["duplicates"] as? Int == 2)
        let rejected = try #require(reply.json["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [4])
        #expect(rejected.first?["reason"] as? String == "duplicate ticket id T2 in this file (first at line 2)")
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        let id = try #require(ids["2"])
        #expect(ids["3"] == id && ids["2050"] == id && ids["4"] == nil)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(
            warnings.filter { $0["ticket"] as? String == "T2" }.map { $0["reason"] as? String }
                == [3, 2050].map { _ in
                    "ticket T2 again in this file (first at line 2), saying the same as the complaint stored (\(id)): "
                        + "counted as a duplicate, not stored twice"
                })
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "2096")
        // The same file again: every row taken is a duplicate, the repeats among them; line 4 is refused again.
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(again.json["accepted"] as? Int == 0)
        #expect(again.json["duplicates"] as? Int == 2098)
        #expect((again.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [4])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the notes a report writes under its table are skipped with a warning, not rejected")
    func notesUnderTheTable() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let file =
            Self.header
            + "GD801,2026/11/3 8:15,13812345678,王先生,投诉,路灯不亮,西湖区文三路1号,ZX1001,60\r\n"
            + ",,,,,,,,\r\n" + "制表人：张三,制表时间：2026-11-03 10:00,,,,,,,\r\n"
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [[String: Any]])?.isEmpty == true)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["line"] as? Int } == [4])
        #expect(
            warnings.first?["reason"] as? String
                == "a note under the table (\"制表人：张三 制表时间：2026-11-03 10:00\"), not a call: skipped")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a ticket sent again with other content is a duplicate with a warning naming the changed columns")
    func changedTicketInALaterUpload() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let csv = [("Content-Type", "text/csv")]
        let first =
            Self.header
            + "GD101,2026/11/3 8:15,13812345678,王先生,投诉,工地夜间施工,西湖区文三路1号,ZX1001,125\r\n"
            + "GD102,2026/11/3 8:30,13812345679,李女士,投诉,路灯不亮,滨江区江南大道2号,ZX1002,60\r\n"
            + "GD103,2026/11/3 8:45,13812345670,赵先生,咨询,停水了,上城区解放路3号,ZX1003,30\r\n"
        let taken = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(first.utf8), headers: csv)
        #expect(taken.json["accepted"] as? Int == 3)
        let ids = try #require(taken.json["ids_by_line"] as? [String: String])

        // A later export: GD101's text and number corrected, GD102 handled by another agent in a
        // longer call (columns the record keeps only as extra), GD103 as it was, GD104 new.
        let later =
            Self.header
            + "GD101,2026/11/3 8:15,13912345678,王先生,投诉,工地夜间施工，凌晨两点还在打桩,西湖区文三路1号,ZX1001,125\r\n"
            + "GD102,2026/11/3 8:30,13812345679,李女士,投诉,路灯不亮,滨江区江南大道2号,ZX2002,95\r\n"
            + "GD103,2026/11/3 8:45,13812345670,赵先生,咨询,停水了,上城区解放路3号,ZX1003,30\r\n"
            + "GD104,2026/11/3 9:00,13812345671,钱女士,投诉,井盖丢了,拱墅区湖墅南路4号,ZX1004,40\r\n"
        let report = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(later.utf8), headers: csv)
        #expect(report.json["accepted"] as? Int == 1)
        #expect(report.json["duplicates"] as? Int == 3)
        let warnings = try #require(report.json["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1)
        #expect(warnings.first?["line"] as? Int == 2)
        #expect(warnings.first?["ticket"] as? String == "GD101")
        #expect(
            warnings.first?["reason"] as? String
                == "ticket GD101 was taken before (\(ids["2"]!)); this row changes 来电号码, 诉求内容, which is not "
                + "applied: the complaint keeps what was first sent")
        // Nothing was changed: the complaint is as first sent.
        let record = try #require(
            try await gateway.request(.get, "/v1/complaints/\(ids["2"]!)").json["record"] as? [String: Any])
        #expect(record["text"] as? String == "工地夜间施工")
        // The same later export once more: its rows now all match what they were compared with
        // before, so the changed one is still told (it still differs from what was taken).
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(later.utf8), headers: csv)
        #expect(again.json["duplicates"] as? Int == 4)
        #expect((again.json["warnings"] as? [[String: Any]])?.map { $0["ticket"] as? String } == ["GD101"])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("multipart/form-data without its boundary: 400 malformed_multipart")
    func multipartWithoutBoundary() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(Self.file.utf8),
            headers: [("Content-Type", "multipart/form-data")])
        #expect(reply.status == 400)
        #expect(reply.errorCode == "malformed_multipart")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a multipart/form-data upload in GBK; the rejected rows come back in GBK")
    func multipartGBK() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let gbk = try #require(await gb18030(Self.file))
        let boundary = "----cg-test-boundary"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"calls.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                .utf8)
        body += gbk
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&ids=false", body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        #expect(reply.status == 200)
        #expect(reply.json["encoding"] as? String == "gb18030")
        #expect(reply.json["accepted"] as? Int == 2)
        #expect(reply.json["ids_by_line"] == nil)
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(download.headers.contains { $0.0.lowercased() == "content-type" && $0.1.contains("gb18030") })
        #expect(download.body.starts(with: [0xB9, 0xA4, 0xB5, 0xA5]))  // 工单 in GBK
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a refused form upload comes back from quarantine as the CSV file it held, typed as one")
    func refusedMultipartKeptAsCSV() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let boundary = "----cg-test-boundary"
        let csv = "foo,bar\r\n1,2\r\n"
        let body = Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"calls.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n").utf8)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        #expect(reply.status == 422)
        let rawID = try #require((reply.json["error"] as? [String: Any])?["raw_id"] as? String)
        let kept = try await gateway.request(.get, "/v1/quarantine/\(rawID)")
        #expect(kept.status == 200)
        #expect(String(decoding: kept.body, as: UTF8.self) == csv)
        let header = { (name: String) in kept.headers.first { $0.0.lowercased() == name }?.1 }
        #expect(header("content-type") == "text/csv")
        #expect(header("content-disposition") == "attachment; filename=\"\(rawID).csv\"")
        // Sent again as it came back, it is read as the call log it is.
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: kept.body, headers: [("Content-Type", "text/csv")])
        #expect(again.errorCode == "missing_columns")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a GBK export sent with the 311 profile (which reads non-UTF-8 as Windows-1252) is told it fits 12345")
    func gbkWithTheWrongProfile() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let gbk = try #require(await gb18030(Self.file))
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: gbk, headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        #expect(
            reply.errorMessage?.hasSuffix(
                "; the header at line 1 fits profile \"12345\" (it knows 9 of 9 columns): import the file with that profile"
            ) == true,
            "\(reply.errorMessage ?? "")")
        let refusedID = try #require((reply.json["error"] as? [String: Any])?["raw_id"] as? String)
        let listed = try await gateway.request(.get, "/v1/quarantine").json["items"] as? [[String: Any]]
        #expect(listed?.contains { $0["id"] as? String == refusedID } == true)
        // Sent again with the right profile: imported, and the refused copy leaves the quarantine.
        let imported = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: gbk, headers: [("Content-Type", "text/csv")])
        #expect(imported.status == 200)
        let after = try await gateway.request(.get, "/v1/quarantine").json["items"] as? [[String: Any]]
        #expect(after?.contains { $0["id"] as? String == refusedID } == false)
        #expect(
            try await sqlite(gateway.databasePath, "select disposition from raw_payloads where id = '\(refusedID)'")
                == "superseded")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a first line over the row limit with no quote in it is called too long, not an unterminated quote")
    func oversizedFirstLine() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(repeating: UInt8(ascii: "x"), count: 2 << 20),
            headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        #expect(reply.errorCode == "bad_header")
        #expect(
            reply.errorMessage == "line 1: the first row is longer than 1 MiB: this is not a call-log CSV",
            "\(reply.errorMessage ?? "")")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Excel's Unicode Text export (UTF-16LE, tab-separated) imports; its rejected rows come back the same way")
    func excelUnicodeText() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let text = Self.file.replacingOccurrences(of: "\"工地夜间施工,噪音很大\"", with: "工地夜间施工，噪音很大")
            .replacingOccurrences(of: ",", with: "\t")
        let utf16 = Data([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: utf16, headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["encoding"] as? String == "utf-16le")
        #expect(reply.json["accepted"] as? Int == 2)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(download.body.starts(with: [0xFF, 0xFE]))
        let decoded = try #require(String(bytes: download.body.dropFirst(2), encoding: .utf16LittleEndian))
        #expect(decoded.hasPrefix("工单编号\t来电时间\t"))
        #expect(decoded.contains("GD002\t2026-13-40 08:00\t"))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "Excel's sep= directive names any separator and is no row; the GBK rejected rows come back with it, for Excel"
    )
    func separatorDirective() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let text = "sep=|\r\n" + Self.file.replacingOccurrences(of: ",", with: "|")
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: try #require(await gb18030(text)),
            headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [4, 6])
        let warnings = (reply.json["warnings"] as? [[String: Any]]) ?? []
        #expect(!warnings.contains { ($0["reason"] as? String)?.contains("before the header") == true })
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(download.body.starts(with: Array("sep=|\r\n".utf8)))
        #expect(download.body.firstRange(of: Data("GD002|2026-13-40 08:00|".utf8)) != nil)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a UTF-8 file with one byte lost reads as UTF-8: the damaged row is taken with a warning, the rest intact")
    func damagedUTF8() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        var bytes = Array(Self.file.utf8)
        bytes.remove(at: try #require(bytes.indices.first { bytes[$0...].starts(with: Array("停水了".utf8)) }) + 1)
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(bytes), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["encoding"] as? String == "utf-8")
        #expect(reply.json["accepted"] as? Int == 2)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        let replaced = warnings.filter { ($0["reason"] as? String)?.contains("not valid UTF-8") == true }
        #expect(replaced.map { $0["line"] as? Int } == [4])
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        let damagedID = try #require(ids["4"])
        let intactID = try #require(ids["2"])
        let damaged = try await gateway.request(.get, "/v1/complaints/\(damagedID)").json["record"] as? [String: Any]
        #expect(damaged?["text"] as? String == "\u{FFFD}水了")
        let intact = try await gateway.request(.get, "/v1/complaints/\(intactID)").json["record"] as? [String: Any]
        #expect(intact?["text"] as? String == "工地夜间施工,噪音很大")
        // The rejected rows come back in the file's encoding, UTF-8, not GB18030.
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(String(decoding: download.body, as: UTF8.self).contains("GD002,2026-13-40 08:00,"))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a GBK file with a byte no GB18030 has: the row is taken with a warning, the rest intact")
    func invalidGB18030Byte() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        var bytes = Array(try #require(await gb18030(Self.file)))
        let water = Array(try #require(await gb18030("停水了")))
        bytes.insert(0xFF, at: try #require(bytes.indices.first { bytes[$0...].starts(with: water) }))
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(bytes), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["encoding"] as? String == "gb18030")
        #expect(reply.json["accepted"] as? Int == 2)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        let replaced = warnings.filter { ($0["reason"] as? String)?.contains("not valid GB18030") == true }
        #expect(replaced.map { $0["line"] as? Int } == [4])
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        let damaged = try await gateway.request(.get, "/v1/complaints/\(try #require(ids["4"]))")
        #expect((damaged.json["record"] as? [String: Any])?["text"] as? String == "\u{FFFD}停水了")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("unknown profile, missing columns, wrong scope and media type are refused with a reason")
    func refusals() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let unknown = try await gateway.request(
            .post, "/v1/hotline/calls?profile=nope", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")]
        )
        #expect(unknown.status == 422)
        #expect(unknown.errorCode == "unknown_profile")
        let missing = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data("工单编号,姓名\r\nGD1,王\r\n".utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(missing.status == 422)
        #expect(missing.errorCode == "missing_columns")
        let rawID = try #require(missing.json["error"].flatMap { ($0 as? [String: Any])?["raw_id"] as? String })
        #expect(
            try await sqlite(
                gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'")
                == "1")
        // The refused file comes back as sent (from its spool file), to fix and upload again.
        let kept = try await gateway.request(.get, "/v1/quarantine/\(rawID)")
        #expect(kept.status == 200)
        #expect(String(decoding: kept.body, as: UTF8.self) == "工单编号,姓名\r\nGD1,王\r\n")
        let media = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data("{}".utf8),
            headers: [("Content-Type", "application/json")])
        #expect(media.status == 415)
        let gzip = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data([0x1F, 0x8B, 0x08, 0x00]),
            headers: [("Content-Type", "text/csv"), ("Content-Encoding", "gzip")])
        #expect(gzip.status == 415)
        #expect(gzip.errorCode == "unsupported_content_encoding")
        let noToken = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(Self.file.utf8), token: nil,
            headers: [("Content-Type", "text/csv")])
        #expect(noToken.status == 401)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "a workbook cut short (.xlsx, .xls or an XML \"Excel export\") or a PDF is refused as unreadable, named, and kept"
    )
    func notCSV() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let files: [(name: String, bytes: [UInt8], named: String)] = [
            ("xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], "Excel workbook (.xlsx)"),
            (
                "xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
                "workbook cannot be read: it is shorter than an Office 97–2003 file's header (cut short?)"
            ),
            ("pdf", Array("%PDF-1.7\n".utf8), "PDF document"),
            (
                "xml",
                [0xEF, 0xBB, 0xBF]
                    + Array(
                        #"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">"#.utf8),
                "workbook cannot be read: its XML ends before the workbook does: the file is cut short"
            ),
        ]
        for file in files {
            let reply = try await gateway.request(
                .post, "/v1/hotline/calls?profile=12345", body: Data(file.bytes + Array(repeating: 0, count: 64)),
                headers: [("Content-Type", "text/csv")])
            #expect(reply.status == 422, "\(file.name)")
            #expect(
                reply.errorCode
                    == (file.name.hasPrefix("xls") || file.name == "xml" ? "unreadable_workbook" : "not_csv"))
            #expect(reply.errorMessage?.contains(file.named) == true, "\(reply.errorMessage ?? "")")
            #expect(reply.errorMessage?.contains("CSV UTF-8") == true)
        }
        #expect(
            try await sqlite(
                gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'")
                == "\(files.count)")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a second column for a field (受理时间 beside 来电时间) is kept in extra, with a warning at the header")
    func twoColumnsForOneField() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let file =
            "工单编号,受理时间,来电时间,诉求内容,通话时长\r\n" + "GD1,2026/11/3 9:00,2026/11/3 8:15,路灯不亮,65\r\n"
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 1)
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["line"] as? Int } == [1])
        #expect((warnings.first?["reason"] as? String)?.contains("\"受理时间\" goes to source.extra") == true)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT json_extract(record, '$.source.extra.受理时间') FROM complaints")
                == "2026/11/3 9:00")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "a title, an export time and a blank row above the header, and a totals row below, are skipped with a warning")
    func titleRowsAboveTheHeader() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let titled =
            "12345热线工单导出,,,,,,,,\r\n导出时间：2026/11/30 9:00,,,,,,,,\r\n,,,,,,,,\r\n" + Self.file
            + "合计：4条,,,,,,,,\r\n"
        let body = try #require(await gb18030(titled))
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: body,
            headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["accepted"] as? Int == 2)
        // Line numbers are the file's own: the rows moved down by the three above the header.
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [6, 8])
        let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
        #expect(warnings.first?["line"] as? Int == 1)
        #expect(
            warnings.first?["reason"] as? String
                == "lines 1–3 before the header row (line 4) skipped: not call records")
        // The totals row below the calls is no call either: a warning, not a rejected row to fix.
        let totals = warnings.first { ($0["reason"] as? String)?.hasPrefix("a totals row") == true }
        #expect(totals?["line"] as? Int == 9)
        #expect(totals?["reason"] as? String == "a totals row (\"合计：4条\"), not a call: skipped")
        // In line order: the taken row's warning (told when its batch commits) between the two
        // about the file's layout (told as it is read).
        #expect(warnings.map { $0["line"] as? Int } == [1, 7, 9])
        #expect(reply.json["rows"] as? Int == 4)

        // A header that lacks a required column is named at its own line, not at the title's.
        let lacking = "工单导出,,\r\n工单编号,来电时间,姓名\r\nGD9,2026/11/3 8:15,王\r\n"
        let refused = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(lacking.utf8), headers: [("Content-Type", "text/csv")])
        #expect(refused.status == 422)
        #expect(refused.errorCode == "missing_columns")
        let message = (refused.json["error"] as? [String: Any])?["message"] as? String
        #expect(message?.hasPrefix("line 2: the header has no column for text") == true, "\(message ?? "")")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a semicolon or tab table under a title line, and a header below ten blank rows, are found")
    func separatorFromTheTableNotTheTitle() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let table = Self.file.replacingOccurrences(of: "\"工地夜间施工,噪音很大\"", with: "工地夜间施工")
        let files = [
            "导出时间: 2026-11-04, 共4条, 操作员: 张三\r\n" + table.replacingOccurrences(of: ",", with: ";"),
            "12345工单导出\r\n\r\n" + table.replacingOccurrences(of: ",", with: "\t"),
            "导出条件：区县=西湖区; 类型=投诉\r\n" + table,
            "12345工单导出,,,,,,,,\r\n" + String(repeating: ",,,,,,,,\r\n", count: 10) + table,
        ]
        for (index, file) in files.enumerated() {
            let reply = try await gateway.request(
                .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8),
                headers: [("Content-Type", "text/csv")])
            #expect(reply.status == 200, "file \(index): \(String(decoding: reply.body, as: UTF8.self))")
            #expect(reply.json["rows"] as? Int == 4, "file \(index)")
            let warnings = try #require(reply.json["warnings"] as? [[String: Any]])
            #expect((warnings.first?["reason"] as? String)?.contains("before the header row") == true, "file \(index)")
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the upload page is served at /, each profile labelled with its description")
    func page() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let page = try await gateway.request(.get, "/", token: nil, headers: [])
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<option value=\"12345\">12345 · 12345 政务服务热线 工单导出</option>"))
        #expect(html.contains("<option value=\"311\">311 · 311 service request call log</option>"))
        let script = try await gateway.request(.get, "/upload.js", token: nil, headers: [])
        #expect(String(decoding: script.body, as: UTF8.self).contains("/v1/hotline/calls?profile="))
        try await gateway.stop()
        await downstream.stop()
    }
}

/// GB18030 bytes of `text`, through iconv (Foundation on Linux has no GBK encoding).
func gb18030(_ text: String) async -> Data? {
    guard
        let (status, data) = try? await spawnCapturingOutput(
            "/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data(text.utf8)),
        status == 0
    else { return nil }
    return data
}
