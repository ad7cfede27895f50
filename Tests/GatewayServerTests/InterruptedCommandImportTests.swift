import Foundation
import GatewayTestSupport
import Glibc
import Testing

/// A `complaint-gateway import` stopped with Ctrl-C beside a serving gateway: what it says, what
/// it leaves, and the gateway finishing it without a restart.
@Suite("A command-line import stopped with Ctrl-C")
struct InterruptedCommandImportTests {
    /// Runs `import FILE --profile 12345` (and `options`) on `data`, its standard error going to a
    /// file, its standard output to `output` (else nowhere).
    private static func startImport(
        _ file: URL, data: URL, errors: URL, options: [String] = [], output: Int32? = nil
    ) throws -> (SpawnedChild, Int32) {
        let descriptor = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        let child = try SpawnedChild(
            GatewayProcess.executable.path,
            [
                "import", file.path, "--profile", "12345", "--config", RunningGateway.configDirectory.path,
                "--data-dir", data.path,
            ] + options,
            environment: ProcessInfo.processInfo.environment, output: output, errorOutput: descriptor)
        return (child, descriptor)
    }

    private static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cg-ctrl-c-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("stopped mid-import: it says so, exits 130, and the serving gateway finishes the import")
    func stoppedMidImport() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        // A downstream that holds each delivery: the test is about the import, and tens of
        // thousands of deliveries beside it would only load the machine other tests share.
        let downstream = try await DownstreamServer.start(defaultScript: .sleep(.seconds(30)))
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: data)
        let rows = 40_000
        let csv = scratch.appendingPathComponent("calls.csv")
        try Data(InterruptedImportTests.file(rows: rows).utf8).write(to: csv)
        let errors = scratch.appendingPathComponent("stderr.txt")
        let (child, descriptor) = try Self.startImport(csv, data: data, errors: errors)
        defer { close(descriptor) }
        let database = data.appendingPathComponent("gateway.sqlite").path
        let count = "SELECT count(*) FROM complaints WHERE channel = 'hotline'"
        // Let run in slices of a few milliseconds, stopped (SIGSTOP) in between, from the moment
        // its copy appears until its first batch is committed: stopped there, however loaded the
        // machine, it is far from the end of its 40,000 rows.
        let uploads = data.appendingPathComponent("uploads")
        try await eventually(timeout: .seconds(60), "the copy begun") {
            ((try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []).contains {
                $0.hasSuffix(".csv")
            }
        }
        child.send(SIGSTOP)
        let deadline = ContinuousClock.now + .seconds(120)
        while (Int(try await sqlite(database, count)) ?? 0) == 0 && ContinuousClock.now < deadline {
            child.send(SIGCONT)
            try await Task.sleep(for: .milliseconds(3))
            child.send(SIGSTOP)
        }
        #expect(child.exitCode() == nil, "the import ended before its first batch was seen")
        child.send(SIGINT)
        child.send(SIGCONT)
        #expect(await child.exited() == 130)
        let said = try String(contentsOf: errors, encoding: .utf8)
        #expect(
            said.contains("calls.csv: import interrupted: the rows of the batches committed so far stay stored"),
            "\(said)")
        #expect(said.contains("Running the same import again instead is safe"), "\(said)")
        let atStop = Int(try await sqlite(database, count)) ?? 0
        let taken = rows - rows / 5000
        #expect(atStop < taken, "the import finished before Ctrl-C: nothing left to finish")

        // The gateway serving the data directory finishes it, from the kept copy, without a restart.
        try await eventually(timeout: .seconds(90), "the import finished by the gateway") {
            try await sqlite(database, "SELECT disposition FROM raw_payloads WHERE channel = 'hotline'") == "accepted"
        }
        #expect(try await sqlite(database, count) == "\(taken)")
        #expect(try await sqlite(database, "SELECT count(DISTINCT external_id) FROM complaints") == "\(taken)")
        #expect(try await sqlite(database, "SELECT count(*) FROM outbox") == "\(taken)")
        let metrics = String(decoding: try await gateway.request(.get, "/metrics").body, as: UTF8.self)
        let finished = metrics.split(separator: "\n").first {
            $0.hasPrefix("cg_hotline_imports_resumed_total{outcome=\"finished\"}")
        }
        #expect((finished?.split(separator: " ").last).flatMap { Double($0) } ?? 0 >= 1, "\(finished ?? "")")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("stopped while printing its report: it says the import had finished, with its counts, exit 130")
    func stoppedWhilePrintingTheReport() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        let csv = scratch.appendingPathComponent("calls.csv")
        try Data(InterruptedImportTests.file(rows: 10_000).utf8).write(to: csv)
        let errors = scratch.appendingPathComponent("stderr.txt")
        // Standard output into a pipe read only at the end: the report, with the ids of 10,000
        // rows, is far more than a pipe holds, so the command waits in its printing.
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let (child, descriptor) = try Self.startImport(
            csv, data: data, errors: errors, options: ["--json", "--ids"], output: ends[1])
        defer { close(descriptor) }
        close(ends[1])
        try await eventually(timeout: .seconds(120), "the report being printed") {
            var waiting: Int32 = 0
            return ioctl(ends[0], UInt(FIONREAD), &waiting) == 0 && waiting > 0
        }
        child.send(SIGINT)
        try await eventually(timeout: .seconds(30), "the interruption said") {
            ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains("interrupted")
        }
        // Let the printing go on, so the process can end whichever way it was at.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while read(ends[0], &buffer, buffer.count) > 0 {}
        #expect(await child.exited() == 130)
        let said = try String(contentsOf: errors, encoding: .utf8)
        #expect(
            said.contains(
                "calls.csv: interrupted while printing the report; the import itself had finished: 10000 rows: "
                    + "9998 accepted, 0 duplicates, 2 rejected"), "\(said)")
        #expect(!said.contains("finishes the rest"), "\(said)")
        let database = data.appendingPathComponent("gateway.sqlite").path
        #expect(try await sqlite(database, "SELECT disposition FROM raw_payloads") == "accepted")
    }

    @Test("stopped while copying the file: nothing recorded, the partial copy removed, exit 130")
    func stoppedWhileCopying() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        // A file that is still being written: a pipe the command copies from until it ends.
        let fifo = scratch.appendingPathComponent("calls.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let writer = open(fifo.path, O_RDWR | O_CLOEXEC)
        defer { close(writer) }
        let start = Array((HotlineUploadTests.header + "GC1,2026/11/3 8:15,13812345678,王,投诉,噪音,文三路,ZX1,60\r\n").utf8)
        #expect(write(writer, start, start.count) == start.count)
        let errors = scratch.appendingPathComponent("stderr.txt")
        let (child, descriptor) = try Self.startImport(fifo, data: data, errors: errors)
        defer { close(descriptor) }
        let uploads = data.appendingPathComponent("uploads")
        let copies = { (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? [] }
        try await eventually(timeout: .seconds(60), "the copy begun") {
            copies().contains { $0.hasSuffix(".csv") }
        }
        child.send(SIGINT)
        #expect(await child.exited() == 130)
        let said = try String(contentsOf: errors, encoding: .utf8)
        #expect(
            said.contains("calls.csv: import interrupted before anything was recorded; nothing was imported"), "\(said)"
        )
        #expect(copies().isEmpty)
        let database = data.appendingPathComponent("gateway.sqlite").path
        #expect(try await sqlite(database, "SELECT count(*) FROM raw_payloads") == "0")
    }
}
