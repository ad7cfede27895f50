import Foundation
import GatewayTestSupport
import Testing

/// A US 311 call log as Excel on a Western Windows saves "CSV (Comma delimited)": Windows-1252,
/// no byte-order mark. The shipped 311 profile falls back to it (`fallback_encoding`).
@Suite("Hotline CSV in Windows-1252")
struct HotlineWindows1252Tests {
    static let file =
        "ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\n"
        + "SR1,2026-11-03 08:15,212-555-0100,José Núñez,Complaint,Loud music at the café,\"12 Café St, Queens\",A1,65\r\n"
        + "SR2,2026-13-40 08:00,212-555-0101,Zoë Müller,Complaint,Noise,\"1 Main St, Bronx\",A2,10\r\n"

    @Test("accented names and addresses read right; the rejected rows come back in Windows-1252")
    func usExcelExport() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let bytes = try #require(Self.file.data(using: .windowsCP1252))
        #expect(bytes.contains(0xE9))  // é as one byte: not UTF-8
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: bytes, headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect(reply.json["encoding"] as? String == "windows-1252")
        #expect(reply.json["accepted"] as? Int == 1)
        #expect((reply.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        let record =
            try await gateway.request(.get, "/v1/complaints/\(try #require(ids["2"]))")
            .json["record"] as? [String: Any]
        #expect((record?["complainant"] as? [String: Any])?["name"] as? String == "José Núñez")
        #expect(record?["text"] as? String == "Loud music at the café")
        #expect((record?["location"] as? [String: Any])?["district"] as? String == "Queens")
        let download = try await gateway.request(.get, try #require(reply.json["rejected_csv"] as? String))
        #expect(download.headers.contains { $0.0.lowercased() == "content-type" && $0.1.contains("windows-1252") })
        #expect(String(data: Data(download.body), encoding: .windowsCP1252)?.contains("Zoë Müller") == true)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the Chinese profile still reads a file that is not UTF-8 as GB18030")
    func chineseProfileKeepsGB18030() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let gbk = try #require(await gb18030(HotlineUploadTests.file))
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: gbk, headers: [("Content-Type", "text/csv")])
        #expect(reply.json["encoding"] as? String == "gb18030")
        #expect(reply.json["accepted"] as? Int == 2)
        try await gateway.stop()
        await downstream.stop()
    }
}
