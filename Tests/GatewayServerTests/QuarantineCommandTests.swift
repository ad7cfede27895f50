import Foundation
import GatewayTestSupport
import Testing

/// `complaint-gateway quarantine list | show | reprocess` on a stopped gateway's data directory:
/// what the API gives, for an operator at the machine.
@Suite("The quarantine command")
struct QuarantineCommandTests {
    /// Runs the CLI on `data`; its exit status, standard output and standard error.
    static func run(_ arguments: [String], data: URL) async throws -> (status: Int32, output: String, errors: String) {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("cg-q-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = open(errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(errors) }
        let (status, output) = try await spawnCapturingOutput(
            GatewayProcess.executable.path,
            ["quarantine"] + arguments + [
                "--config", RunningGateway.configDirectory.path, "--data-dir", data.path,
            ],
            environment: GatewayProcess.environment(downstream: "http://127.0.0.1:9"), errorOutput: errors)
        return (
            status, String(decoding: output, as: UTF8.self), (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        )
    }

    @Test("lists, shows and reprocesses what the API kept; what still cannot be read stays")
    func listShowReprocess() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let wrongType = try await gateway.request(.post, "/v1/complaints", body: Data(#"{"text":5}"#.utf8))
        let apiID = try #require((wrongType.json["error"] as? [String: Any])?["raw_id"] as? String)
        let upload = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: Data(HotlineProfileHintTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        let uploadID = try #require((upload.json["error"] as? [String: Any])?["raw_id"] as? String)
        try await gateway.stop()
        let data = gateway.dataDirectory

        let listed = try await Self.run(["list"], data: data)
        #expect(listed.status == 0)
        let lines = listed.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("\(uploadID)  hotline/311  ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("\(apiID)  api/") == true, "\(lines)")
        let page = try await Self.run(["list", "--json", "--limit", "1"], data: data)
        let item = try JSONSerialization.jsonObject(with: Data(page.output.utf8)) as? [String: Any]
        #expect(item?["id"] as? String == uploadID && item?["channel"] as? String == "hotline")
        #expect(page.errors.contains("more may follow: quarantine list --cursor \(uploadID)"))

        let shown = try await Self.run(["show", uploadID], data: data)
        #expect(shown.status == 0 && shown.output == HotlineProfileHintTests.file)

        let still = try await Self.run(["reprocess", apiID], data: data)
        #expect(still.status == 65, "\(still)")
        #expect(still.errors.hasPrefix("\(apiID): "), "\(still.errors)")

        let imported = try await Self.run(["reprocess", uploadID, "--profile", "12345"], data: data)
        #expect(imported.status == 0, "\(imported.errors)")
        let report = try JSONSerialization.jsonObject(with: Data(imported.output.utf8)) as? [String: Any]
        #expect(report?["profile"] as? String == "12345" && report?["accepted"] as? Int == 1, "\(imported.output)")
        #expect(
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE channel = 'hotline'") == "1")

        let left = try await Self.run(["list"], data: data)
        #expect(left.output.split(separator: "\n").map { $0.hasPrefix(apiID) } == [true])
        let missing = try await Self.run(["show", uploadID], data: data)
        #expect(missing.status == 66 && missing.errors.contains("no payload in quarantine has the id \(uploadID)"))
        await downstream.stop()
    }

    @Test(
        "import --sheet reads the worksheets named; one the workbook lacks is kept, and reprocess --sheet reads the right one"
    )
    func namedSheets() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cg-sheets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        let workbook = scratch.appendingPathComponent("monthly.xlsx")
        try HotlineWorkbookUploadTests.monthlyLog().write(to: workbook)
        let importing = { (sheets: [String]) in
            try await spawnCapturingOutput(
                GatewayProcess.executable.path,
                [
                    "import", workbook.path, "--profile", "12345", "--json", "--config",
                    RunningGateway.configDirectory.path,
                    "--data-dir", data.path,
                ] + sheets.flatMap { ["--sheet", $0] },
                environment: GatewayProcess.environment(downstream: "http://127.0.0.1:9"))
        }
        let (status, output) = try await importing(["3月", "1月"])
        #expect(status == 0, "\(String(decoding: output, as: UTF8.self))")
        let report = try JSONSerialization.jsonObject(with: output) as? [String: Any]
        #expect(report?["sheets"] as? [String] == ["3月", "1月"])
        #expect(report?["accepted"] as? Int == 2)

        let (refusedStatus, refusedOutput) = try await importing(["4月"])
        #expect(refusedStatus == 65)
        let refusal = try JSONSerialization.jsonObject(with: refusedOutput) as? [String: [String: String]]
        #expect(refusal?["error"]?["code"] == "unknown_sheet")
        let rawID = try #require(refusal?["error"]?["raw_id"])
        let reprocessed = try await Self.run(["reprocess", rawID, "--sheet", "2月"], data: data)
        #expect(reprocessed.status == 0, "\(reprocessed.errors)")
        let again = try JSONSerialization.jsonObject(with: Data(reprocessed.output.utf8)) as? [String: Any]
        // 2月's M001 was taken from 1月.
        #expect(again?["accepted"] as? Int == 2 && again?["duplicates"] as? Int == 1, "\(reprocessed.output)")
    }
}
