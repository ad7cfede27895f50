import Foundation
import GatewayTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docs/systemd/complaint-gateway.service`, the unit docs/deployment.md installs: systemd itself
/// finds nothing wrong in it, and the command it starts is one `serve` takes.
@Suite("The example systemd unit")
struct SystemdUnitTests {
    static let unit = RunningGateway.configDirectory.deletingLastPathComponent()
        .appendingPathComponent("docs/systemd/complaint-gateway.service")

    /// The unit with the installed paths replaced: the built executable, the sample config, `data`.
    static func adapted(data: URL) throws -> String {
        try String(contentsOf: unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/complaint-gateway", with: GatewayProcess.executable.path)
            .replacingOccurrences(of: "/etc/complaint-gateway ", with: RunningGateway.configDirectory.path + " ")
            .replacingOccurrences(of: "/var/lib/complaint-gateway", with: data.path)
    }

    @Test("systemd-analyze verify has nothing to say about it, and rates its sandbox OK")
    func verifies() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-unit-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("complaint-gateway.service")
        try Self.adapted(data: directory).write(to: copy, atomically: true, encoding: .utf8)
        // Unknown keys and bad values are only warnings to systemd: any output fails the test.
        let (status, output) = try await spawnCapturingOutput(
            "/usr/bin/systemd-analyze", ["verify", copy.path], errorsToOutput: true)
        #expect(status == 0 && output.isEmpty, "\(String(decoding: output, as: UTF8.self))")
        // The sandbox as systemd rates it: exposure 4.0 or less ("OK"); a setting dropped by
        // mistake raises it.
        let (rated, rating) = try await spawnCapturingOutput(
            "/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=40", copy.path],
            errorsToOutput: true)
        #expect(rated == 0, "\(String(decoding: rating, as: UTF8.self).split(separator: "\n").suffix(3))")
    }

    @Test("its ExecStart serves and tells systemd it is ready; ExecReload's SIGHUP reloads it")
    func execStartServes() async throws {
        let data = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-unit-data-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let lines = try Self.adapted(data: data).split(separator: "\n")
        let execStart = try #require(lines.first { $0.hasPrefix("ExecStart=") }).dropFirst("ExecStart=".count)
        #expect(lines.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        #expect(lines.contains("Type=notify"))
        var arguments = execStart.split(separator: " ").map(String.init)
        let executable = arguments.removeFirst()
        #expect(executable == GatewayProcess.executable.path)
        // The sample config listens on 8080; a test takes a free port instead.
        arguments += ["--listen", "127.0.0.1:\(try GatewayProcess.freePort())"]
        let socket = try ServiceManagerNotifyTests.NotifySocket()
        let downstream = try await DownstreamServer.start()
        var environment = GatewayProcess.environment(downstream: downstream.baseURL)
        environment["NOTIFY_SOCKET"] = socket.name
        let process = try SpawnedChild(executable, arguments, environment: environment)
        try await eventually(timeout: .seconds(60), "READY=1") {
            if let code = process.exitCode() { throw TestTimeout("serve exited with \(code)") }
            return socket.messages.contains { $0.hasPrefix("READY=1\nSTATUS=listening on ") }
        }
        process.send(SIGHUP)
        try await eventually("reloaded") { socket.messages.contains { $0.hasPrefix("READY=1\nSTATUS=reloaded: ") } }
        process.send(SIGTERM)
        #expect(await process.exited() == 0)
        #expect(socket.messages.last?.hasPrefix("STOPPING=1\n") == true)
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("gateway.sqlite").path))
        await downstream.stop()
    }
}
