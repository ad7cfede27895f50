import Foundation
import GatewayTestSupport
import Testing

/// `GET /v1/hotline/imports`: every upload, newest first, with its file's name, its state and
/// its report's counts, for staff who come back to an upload later.
@Suite("Hotline upload history")
struct HotlineUploadHistoryTests {
    private func form(_ csv: String, filename: String) -> (Data, String) {
        let boundary = "----cg-history-boundary"
        // As Chromium sends a file input: the name's UTF-8 bytes, quoted.
        let body = Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n").utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    @Test("uploads are listed newest first with name, state and counts; refused ones with the reason; paged")
    func history() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let (body, type) = form(HotlineUploadTests.file, filename: "通话记录 11月.csv")
        let first = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: body, headers: [("Content-Type", type)])
        #expect(first.status == 200)
        let refused = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&filename=C%3A%5Cexport%5C%E5%AF%BC%E5%87%BA.csv",
            body: Data("foo,bar\r\n1,2\r\n".utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(refused.status == 422)
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345&sheet=", body: body, headers: [("Content-Type", type)])
        #expect(again.status == 200)

        let list = try await gateway.request(.get, "/v1/hotline/imports")
        #expect(list.status == 200)
        let items = try #require(list.json["items"] as? [[String: Any]])
        #expect(items.count == 3)
        #expect(list.json["next_cursor"] is NSNull)
        #expect(items.map { $0["raw_id"] as? String } == [again, refused, first].map(Self.rawID))
        #expect(items.map { $0["state"] as? String } == ["imported", "refused", "imported"])

        let imported = items[2]
        #expect(imported["file_name"] as? String == "通话记录 11月.csv")
        #expect(imported["profile"] as? String == "12345")
        #expect(imported["uploaded_by"] as? String == "operator")  // the sample config's token name
        #expect(imported["size"] as? Int == HotlineUploadTests.file.utf8.count)
        #expect(imported["file_sha256"] as? String == first.json["file_sha256"] as? String)
        #expect(imported["error"] is NSNull)
        let report = try #require(imported["report"] as? [String: Any])
        #expect(report["rows"] as? Int == 4)
        #expect(report["accepted"] as? Int == 2)
        #expect(report["duplicates"] as? Int == 0)
        #expect(report["rejected"] as? Int == (first.json["rejected"] as? [Any])?.count)
        #expect(report["warnings"] as? Int == (first.json["warnings"] as? [Any])?.count)
        #expect(report["encoding"] as? String == "utf-8")
        #expect(report["rejected_csv"] as? String == first.json["rejected_csv"] as? String)
        // The rejected rows are still there to download from the history.
        let download = try await gateway.request(.get, try #require(report["rejected_csv"] as? String))
        #expect(download.status == 200)

        // The same file again: every row a duplicate.
        #expect((items[0]["report"] as? [String: Any])?["duplicates"] as? Int == 2)
        // A refused upload says why and has no report; a raw body's name comes as `filename`, its
        // last path component kept.
        #expect(items[1]["file_name"] as? String == "导出.csv")
        #expect(items[1]["report"] is NSNull)
        #expect((items[1]["error"] as? String)?.contains("工单编号") == true)

        let page = try await gateway.request(.get, "/v1/hotline/imports?limit=2")
        let cursor = try #require(page.json["next_cursor"] as? String)
        #expect(cursor == Self.rawID(refused))
        let rest = try await gateway.request(.get, "/v1/hotline/imports?limit=2&cursor=\(cursor)")
        #expect((rest.json["items"] as? [[String: Any]])?.map { $0["raw_id"] as? String } == [Self.rawID(first)])
        let badCursor = try await gateway.request(.get, "/v1/hotline/imports?cursor=yesterday")
        #expect(badCursor.status == 400)
        let unknown = try await gateway.request(.get, "/v1/hotline/imports?profile=12345")
        #expect(unknown.status == 400)
        try await gateway.stop()
        await downstream.stop()
    }

    private static func rawID(_ reply: RunningGateway.Reply) -> String? {
        reply.json["raw_id"] as? String ?? (reply.json["error"] as? [String: Any])?["raw_id"] as? String
    }
}
