import Foundation
import GatewayTestSupport
import Glibc
import Testing

/// Files in the uploads folder that no upload names (a stop while they were received) are put
/// in quarantine at start, never deleted, and can be imported from there.
@Suite("Uploads a stop cut short before they were recorded")
struct UnrecordedUploadsTests {
    private static func write(_ text: String, to url: URL, age: TimeInterval) throws {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
    }

    @Test("an old unrecorded file is quarantined and imports with a profile; recent, held and recorded ones are left")
    func quarantinedAtStart() async throws {
        let downstream = try await DownstreamServer.start()
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        let data = first.dataDirectory
        defer { try? FileManager.default.removeItem(at: data) }
        let recorded = try await first.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(HotlineUploadTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(recorded.status == 200)
        try await first.stop()

        let uploads = data.appendingPathComponent("uploads")
        // Cut off mid-row, as a stop while receiving leaves it.
        let cutOff =
            HotlineUploadTests.header + "GU1,2026/11/3 8:15,13812345678,王先生,投诉,路灯不亮,西湖区文三路1号,ZX1,60\r\n"
            + "GU2,2026/11/3 8:20,1381234"
        let old = "raw_01JDORPHANOLD0000000000AA"
        try Self.write(cutOff, to: uploads.appendingPathComponent("\(old).csv"), age: 3600)
        let recent = "raw_01JDORPHANNEW0000000000AA"
        try Self.write(cutOff, to: uploads.appendingPathComponent("\(recent).csv"), age: 5)
        // Being received by another process on the same data directory: its writer holds it.
        let held = "raw_01JDORPHANHELD000000000AA"
        try Self.write(cutOff, to: uploads.appendingPathComponent("\(held).csv"), age: 3600)
        let holder = open(uploads.appendingPathComponent("\(held).csv").path, O_RDONLY)
        defer { close(holder) }
        #expect(flock(holder, LOCK_SH) == 0)

        let second = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: data)
        try await eventually("the old file in quarantine") {
            try await QuarantineReprocessTests.quarantinedIDs(second) == [old]
        }
        let items = try await second.request(.get, "/v1/quarantine").json["items"] as? [[String: Any]] ?? []
        let error = items.first?["error"] as? String ?? ""
        #expect(error.hasPrefix("a file in the uploads folder that no upload named"), "\(error)")
        #expect(items.first?["channel"] as? String == "hotline")
        // Nothing was removed.
        for id in [old, recent, held] {
            #expect(FileManager.default.fileExists(atPath: uploads.appendingPathComponent("\(id).csv").path))
        }
        let metrics = String(decoding: try await second.request(.get, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("# HELP cg_hotline_unrecorded_uploads_total"))
        #expect(metrics.split(separator: "\n").contains { $0.hasPrefix("cg_hotline_unrecorded_uploads_total ") })
        let listed = try await QuarantineCommandTests.run(["list"], data: data)
        #expect(listed.output.contains("\(old)  hotline/(no profile)  "), "\(listed.output)")
        // Its profile was never recorded: it must be named.
        let unnamed = try await second.request(.post, "/v1/quarantine/\(old)/reprocess")
        #expect(unnamed.errorCode == "unknown_profile", "\(unnamed.errorMessage ?? "")")
        let imported = try await second.request(.post, "/v1/quarantine/\(old)/reprocess?profile=12345")
        #expect(imported.status == 200, "\(imported.errorMessage ?? "")")
        #expect(imported.json["accepted"] as? Int == 1)
        #expect((imported.json["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        #expect(try await QuarantineReprocessTests.quarantinedIDs(second).isEmpty)
        try await second.stop()
        await downstream.stop()
    }
}
