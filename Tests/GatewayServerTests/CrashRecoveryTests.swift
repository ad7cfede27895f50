import ComplaintCore
import Foundation
import GatewayTestSupport
import Testing

@Suite("Crash safety and the dlq command, with the real executable")
struct CrashRecoveryTests {
    @Test("SIGKILL with deliveries in flight: after restart every complaint is delivered, re-sent with its key")
    func killWithDeliveriesInFlight() async throws {
        // The department holds every request for 20 s: the deliveries are in flight when the kill comes.
        let downstream = try await DownstreamServer.start(defaultScript: .sleep(.seconds(20)))
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-kill-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let first = try await GatewayProcess.start(downstream: downstream.baseURL, dataDirectory: dataDirectory)
        var ids: Set<String> = []
        for index in 0..<24 {
            ids.insert(try #require(try await first.post(#"{"text":"路灯坏了 \#(index)"}"#)))
        }
        try await eventually("deliveries in flight") { downstream.requests.count >= 10 }
        let inFlight = Set(downstream.requests.compactMap(\.idempotencyKey))
        await first.kill()
        let database = dataDirectory.appendingPathComponent("gateway.sqlite").path
        // Owner only, as the directory that holds them.
        for file in ["gateway.sqlite", "gateway.sqlite-wal", "gateway.sqlite-shm", "gateway.lock"] {
            let path = dataDirectory.appendingPathComponent(file).path
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o077 } == 0, "\(file): \(String(mode ?? 0, radix: 8))")
        }
        #expect(try await sqlite(database, "SELECT count(*) FROM complaints") == "24")
        #expect(try await sqlite(database, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "0")

        downstream.setDefault(.status(200))
        let second = try await GatewayProcess.start(downstream: downstream.baseURL, dataDirectory: dataDirectory)
        try await eventually(timeout: .seconds(60), "all delivered after restart") {
            try await sqlite(database, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "24"
        }
        await second.stop()
        let keys = downstream.requests.compactMap(\.idempotencyKey)
        #expect(Set(keys) == ids)
        // What was in flight at the kill was sent again, under the same key.
        for key in inFlight { #expect(keys.filter { $0 == key }.count >= 2) }
        await downstream.stop()
    }

    @Test("dlq list shows dead letters; dlq replay --all --department puts them back")
    func dlqCommand() async throws {
        let downstream = try await DownstreamServer.start(defaultScript: .status(422))
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-dlq-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let gateway = try await GatewayProcess.start(downstream: downstream.baseURL, dataDirectory: dataDirectory)
        var ids: [String] = []
        for text in ["想咨询一下办事流程", "小区停水三天了", "想咨询一下办事流程 2"] {
            ids.append(try #require(try await gateway.post(#"{"text":"\#(text)"}"#)))
        }
        let database = dataDirectory.appendingPathComponent("gateway.sqlite").path
        try await eventually("three dead") {
            try await sqlite(database, "SELECT count(*) FROM outbox WHERE state = 'dead'") == "3"
        }
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", dataDirectory.path]
        let list = try await GatewayProcess.run(["dlq", "list", "--json"] + common, downstream: downstream.baseURL)
        #expect(list.status == 0)
        let rows = list.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(Set(rows.compactMap { $0["complaint_id"] as? String }) == Set(ids))
        #expect(rows.allSatisfy { $0["status"] as? Int == 422 })
        #expect(rows.allSatisfy { $0["replays"] as? Int == 0 })
        // Page by page: two, then the rest after the cursor the first page ended at.
        let (_, firstPage) = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["dlq", "list", "--limit", "2"] + common,
            environment: GatewayProcess.environment(downstream: downstream.baseURL), errorsToOutput: true)
        let text = String(decoding: firstPage, as: UTF8.self)
        let next = try #require(text.components(separatedBy: "dlq list --cursor ").last?.split(separator: "\n").first)
        let rest = try await GatewayProcess.run(
            ["dlq", "list", "--cursor", String(next)] + common, downstream: downstream.baseURL)
        #expect(rest.output.split(separator: "\n").count == 1)
        #expect(Set(ids.filter { text.contains($0) || rest.output.contains($0) }) == Set(ids))

        downstream.setDefault(.status(200))
        let one = try await GatewayProcess.run(["dlq", "replay", ids[1]] + common, downstream: downstream.baseURL)
        #expect(one.status == 0)
        #expect(one.output.contains("replayed \(ids[1])"))
        let missing = try await GatewayProcess.run(
            ["dlq", "replay", "cmp_nope"] + common, downstream: downstream.baseURL)
        #expect(missing.status == 1)
        let again = try await GatewayProcess.run(["dlq", "replay", ids[1]] + common, downstream: downstream.baseURL)
        #expect(again.status == 1)
        let badLimit = try await GatewayProcess.run(
            ["dlq", "list", "--limit", "0"] + common, downstream: downstream.baseURL)
        #expect(badLimit.status == 64)
        let department = try await GatewayProcess.run(
            ["dlq", "replay", "--all", "--department", "citizen-services"] + common, downstream: downstream.baseURL)
        #expect(department.status == 0)
        #expect(department.output.contains("2 dead letters replayed"))
        let typo = try await GatewayProcess.run(
            ["dlq", "replay", "--all", "--department", "citizen-service"] + common, downstream: downstream.baseURL)
        #expect(typo.status == 1)
        let typoList = try await GatewayProcess.run(
            ["dlq", "list", "--department", "citizen-service"] + common, downstream: downstream.baseURL)
        #expect(typoList.status == 1)
        // The running gateway picks the replayed items up at its next poll.
        try await eventually("all delivered") {
            try await sqlite(database, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "3"
        }
        await gateway.stop()
        let empty = try await GatewayProcess.run(["dlq", "list"] + common, downstream: downstream.baseURL)
        #expect(empty.output.contains("no dead letters"))
        await downstream.stop()
    }
}
