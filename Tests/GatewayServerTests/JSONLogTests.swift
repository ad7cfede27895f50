import Foundation
import GatewayTestSupport
import Glibc
import Logging
import Testing

@testable import GatewayServer

/// `logging.format: json` (or `LOG_FORMAT=json`): one JSON object per line, for log shippers.
@Suite("JSON log lines")
struct JSONLogTests {
    @Test("a line carries time, level, logger, message, source and each metadata key; special characters are escaped")
    func renderedLine() throws {
        let event = LogEvent(
            level: .warning, message: "delivery \"attempt\"\n", metadata: nil, source: "ComplaintDispatch",
            file: #fileID, function: #function, line: #line)
        let bytes = JSONLogLine.render(
            event, label: "complaint-gateway",
            metadata: ["cg.attempt": "1", "cg.list": .array(["a", "b"]), "level": "overridden?"])
        #expect(bytes.last == 0x0A)
        #expect(bytes.dropLast().allSatisfy { $0 != 0x0A })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "complaint-gateway")
        #expect(object["message"] as? String == "delivery \"attempt\"\n")
        #expect(object["source"] as? String == "ComplaintDispatch")
        #expect(object["cg.attempt"] as? String == "1")
        #expect(object["cg.list"] as? [String] == ["a", "b"])
        #expect((object["time"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }

    @Test("serve with LOG_FORMAT=json writes only JSON lines to standard error")
    func serveWritesJSON() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cg-jsonlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let serve = try LoggedServe.start(
            config: RunningGateway.configDirectory, scratch: scratch,
            environment: [
                "GATEWAY_TOKEN": RunningGateway.token, "DOWNSTREAM_URL": "http://127.0.0.1:9", "LOG_FORMAT": "json",
            ])
        defer { serve.stop() }
        func lines() -> [Substring] { serve.text.split(separator: "\n") }
        try await eventually(timeout: .seconds(90), "listening logged") {
            lines().contains { $0.contains("\"message\":\"listening\"") }
        }
        serve.process.send(SIGTERM)
        _ = await serve.process.exited()
        let written = lines()
        #expect(written.count >= 2)
        for line in written {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String, "\(line)")
        }
        let listening = try #require(
            written.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["message"] as? String == "listening" })
        #expect((listening["cg.address"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        #expect(listening["level"] as? String == "info")
    }
}
