import Foundation
import GatewayTestSupport
import Testing

@Suite("The backup command, with the real executable")
struct BackupCommandTests {
    @Test("backup while serving: the copy is a data directory a gateway starts on, uploads included")
    func backupAndRestore() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        var ids: [String] = []
        for text in ["路灯不亮", "小区停水三天了", "工地夜间施工"] {
            let reply = try await gateway.post(#"{"text":"\#(text)"}"#)
            ids.append(try #require(reply.json["id"] as? String))
        }
        let upload = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(HotlineUploadTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(upload.json["accepted"] as? Int == 2)
        let rejectedPath = try #require(upload.json["rejected_csv"] as? String)
        let rejectedBefore = try await gateway.request(.get, rejectedPath).body

        let backup = gateway.dataDirectory.deletingLastPathComponent()
            .appendingPathComponent("cg-backup-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: backup) }
        // With --data-dir the configuration is not read: neither a config directory (this one does
        // not exist) nor the secrets the sample's interpolation asks for, as in a cron job.
        var bare = ProcessInfo.processInfo.environment
        for name in ["GATEWAY_TOKEN", "DOWNSTREAM_URL"] { bare.removeValue(forKey: name) }
        let (status, output) = try await spawnCapturingOutput(
            GatewayProcess.executable.path,
            [
                "backup", backup.path, "--json", "--config", "/nonexistent", "--data-dir", gateway.dataDirectory.path,
                "--limit-rate", "64M",
            ],
            environment: bare, errorOutput: nil)
        #expect(status == 0)
        let run = (status: status, output: String(decoding: output, as: UTF8.self))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(summary["complaints"] as? Int == 5)
        #expect(summary["upload_files"] as? Int == 2)
        #expect(summary["backup"] as? String == backup.path)
        #expect((summary["bytes"] as? Int ?? 0) > 0)
        // Owner only: the copy holds citizens' names and numbers.
        let mode = try FileManager.default.attributesOfItem(atPath: backup.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o700)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: backup.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(backup.lastPathComponent + ".partial") }
        #expect(leftovers.isEmpty)

        // A second backup into the same directory is refused; the first is untouched.
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", gateway.dataDirectory.path]
        let again = try await GatewayProcess.run(["backup", backup.path] + common, downstream: downstream.baseURL)
        #expect(again.status == 73)
        let unreadable = backup.deletingLastPathComponent().appendingPathComponent("cg-never-\(UUID().uuidString)")
        let badRate = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["backup", unreadable.path, "--limit-rate", "40MB/s"] + common,
            environment: bare, errorsToOutput: true)
        #expect(badRate.status == 64)  // EX_USAGE
        #expect(String(decoding: badRate.output, as: UTF8.self).contains("--limit-rate \"40MB/s\""))
        #expect(!FileManager.default.fileExists(atPath: unreadable.path))
        #expect(try await sqlite(backup.appendingPathComponent("gateway.sqlite").path, "PRAGMA quick_check") == "ok")
        try await gateway.stop()

        // Restoring is starting a gateway on the copy.
        let restored = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: backup)
        for id in ids {
            let detail = try await restored.request(.get, "/v1/complaints/\(id)")
            #expect(detail.status == 200)
        }
        let rejectedAfter = try await restored.request(.get, rejectedPath)
        #expect(rejectedAfter.status == 200)
        #expect(rejectedAfter.body == rejectedBefore)
        // The same file again is a duplicate there too: the tickets came with the copy.
        let reupload = try await restored.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(HotlineUploadTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(reupload.json["duplicates"] as? Int == 2)
        try await restored.stop()
        await downstream.stop()
    }

    @Test("backup of a data directory without a store fails and leaves nothing behind")
    func noStore() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-backup-empty-\(UUID().uuidString)", isDirectory: true)
        let empty = root.appendingPathComponent("data", isDirectory: true)
        let backup = root.appendingPathComponent("copy", isDirectory: true)
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await GatewayProcess.run(
            ["backup", backup.path, "--config", RunningGateway.configDirectory.path, "--data-dir", empty.path],
            downstream: "http://127.0.0.1:9")
        #expect(run.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["data"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
        // A parent directory that does not exist is not made on the way.
        let typo = root.appendingPathComponent("bakcups/nightly", isDirectory: true)
        let (status, output) = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["backup", typo.path, "--data-dir", empty.path],
            environment: ProcessInfo.processInfo.environment, errorsToOutput: true)
        #expect(status == 73)
        #expect(String(decoding: output, as: UTF8.self).contains("bakcups is not a directory; create it first"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
        // Nor inside the data directory it copies.
        let inside = try await spawnCapturingOutput(
            GatewayProcess.executable.path,
            ["backup", empty.appendingPathComponent("nightly").path, "--data-dir", empty.path],
            environment: ProcessInfo.processInfo.environment, errorsToOutput: true)
        #expect(inside.status == 73)
        #expect(String(decoding: inside.output, as: UTF8.self).contains("is inside the data directory"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
    }

    @Test(
        "an interrupted backup leaves no partial copy: SIGTERM removes it, and a stale one is removed by the next backup"
    )
    func interruptedBackupLeavesNothing() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        _ = try await gateway.post(#"{"text":"路灯不亮"}"#)
        try await gateway.stop()
        await downstream.stop()
        let parent = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-backup-parent-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        // A partial copy whose process is gone.
        let gone = try SpawnedChild("/bin/true", [], environment: [:])
        _ = await gone.exited()
        let stale = parent.appendingPathComponent("nightly.partial-\(gone.pid)", isDirectory: true)
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("copy".utf8).write(to: stale.appendingPathComponent("gateway.sqlite"))
        // SQLite's rollback journal: a copy killed mid-way always has one.
        try Data("journal".utf8).write(to: stale.appendingPathComponent("gateway.sqlite-journal"))

        let target = parent.appendingPathComponent("slow", isDirectory: true)
        let backup = try SpawnedChild(
            GatewayProcess.executable.path,
            ["backup", target.path, "--data-dir", gateway.dataDirectory.path, "--limit-rate", "1K"],
            environment: ProcessInfo.processInfo.environment)
        let partial = parent.appendingPathComponent("slow.partial-\(backup.pid)")
        try await eventually("the copy under way") { FileManager.default.fileExists(atPath: partial.path) }
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        backup.send(SIGTERM)
        #expect(await backup.exited() == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }
}
