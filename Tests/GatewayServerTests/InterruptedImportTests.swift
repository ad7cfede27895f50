import AsyncHTTPClient
import Foundation
import GatewayTestSupport
import Glibc
import NIOCore
import NIOHTTP1
import Testing

@Suite("A call-log import cut short by a crash is finished by the next gateway")
struct InterruptedImportTests {
    /// `rows` calls; every 5,000th has an impossible call time.
    static func file(rows: Int) -> String {
        var text = HotlineUploadTests.header
        text.reserveCapacity(rows * 110)
        for index in 1...rows {
            let time = index % 5000 == 0 ? "2026-13-40 08:00" : "2026/11/3 8:15"
            text += "GI\(index),\(time),13812345678,王先生,投诉,第\(index)号投诉：楼上噪音,西湖区文三路\(index)号,ZX1,60\r\n"
        }
        return text
    }

    @Test("SIGKILL mid-import: the next gateway takes the rest of the file once no one holds it, nothing twice")
    func killMidImport() async throws {
        let downstream = try await DownstreamServer.start()
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-interrupted-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let database = dataDirectory.appendingPathComponent("gateway.sqlite").path
        let rows = 60_000
        let first = try await GatewayProcess.start(downstream: downstream.baseURL, dataDirectory: dataDirectory)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(first.port)/v1/hotline/calls?profile=12345")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(RunningGateway.token)")
        request.headers.add(name: "Content-Type", value: "text/csv")
        request.body = .bytes(ByteBuffer(string: Self.file(rows: rows)))
        let upload = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(120)) }
        let count = "SELECT count(*) FROM complaints WHERE channel = 'hotline'"
        try await eventually(timeout: .seconds(60), "the first batches committed") {
            (Int(try await sqlite(database, count)) ?? 0) > 0
        }
        await first.kill()
        _ = try? await upload.value
        let atKill = Int(try await sqlite(database, count)) ?? 0
        #expect(atKill < rows - rows / 5000, "the import finished before the kill: nothing left to finish")
        #expect(
            try await sqlite(database, "SELECT disposition FROM raw_payloads WHERE channel = 'hotline'") == "importing")

        // While another process holds the upload's file (a command-line import beside the
        // gateway holds its own so), a starting gateway leaves it to that process; once that
        // process lets go (it ended, or died), the running gateway finishes it without a restart.
        let bodyPath = try await sqlite(database, "SELECT body_path FROM raw_payloads WHERE channel = 'hotline'")
        let holder = open(bodyPath, O_RDONLY)
        #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
        let second = try await GatewayProcess.start(downstream: downstream.baseURL, dataDirectory: dataDirectory)
        try await Task.sleep(for: .seconds(2))
        #expect(
            try await sqlite(database, "SELECT disposition FROM raw_payloads WHERE channel = 'hotline'") == "importing")
        #expect(Int(try await sqlite(database, count)) == atKill)
        close(holder)
        try await eventually(timeout: .seconds(120), "the import finished") {
            try await sqlite(database, "SELECT disposition FROM raw_payloads WHERE channel = 'hotline'") == "accepted"
        }
        #expect(try await sqlite(database, count) == "\(rows - rows / 5000)")
        #expect(
            try await sqlite(database, "SELECT count(DISTINCT external_id) FROM complaints") == "\(rows - rows / 5000)")
        #expect(try await sqlite(database, "SELECT count(*) FROM outbox") == "\(rows - rows / 5000)")
        // The rejected-rows file is whole: every bad row, once.
        let rawID = try await sqlite(database, "SELECT id FROM raw_payloads WHERE channel = 'hotline'")
        let rejected = try String(
            contentsOf: dataDirectory.appendingPathComponent("uploads/\(rawID).rejected.csv"), encoding: .utf8)
        #expect(rejected.components(separatedBy: "\r\n").filter { $0.hasPrefix("GI") }.count == rows / 5000)
        await second.stop()
        await downstream.stop()
    }
}
