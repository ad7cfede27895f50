import AsyncHTTPClient
import Foundation
import GatewayTestSupport
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGHUP is tested on the real `complaint-gateway serve` process, since a signal sent to the
/// test runner would reach every gateway of every test running at the same time.
@Suite("SIGHUP reloads the rule tables of a running complaint-gateway")
struct RoutingSIGHUPTests {
    static let token = "sighup-token-0123456789abcdef"

    /// The `complaint-gateway` built next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("complaint-gateway")
    }

    @Test("a valid table is taken on SIGHUP; an invalid one is refused and the running tables stay")
    func sighup() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build complaint-gateway first")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cg-sighup-\(UUID().uuidString)")
        let config = try SampleConfigCopy(at: scratch.appendingPathComponent("config"))
        defer { try? FileManager.default.removeItem(at: scratch) }
        let serve = try LoggedServe.start(
            config: config.directory, scratch: scratch,
            environment: ["GATEWAY_TOKEN": Self.token, "DOWNSTREAM_URL": "http://127.0.0.1:9", "LOG_LEVEL": "info"])
        let process = serve.process
        defer { serve.stop() }

        func logText() -> String { serve.text }
        var port = 0
        try await eventually(timeout: .seconds(90), "gateway listening") {
            guard
                let range = logText().range(of: #"cg.address=http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression)
            else { return false }
            port = Int(logText()[range].split(separator: ":").last!) ?? 0
            return port > 0
        }

        func explain() async throws -> (department: String?, version: String?) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/routing/explain")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(Self.token)")
            request.body = .bytes(ByteBuffer(string: #"{"text":"停水了"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let decision = json?["decision"] as? [String: Any]
            return (decision?["department"] as? String, decision?["tables_version"] as? String)
        }

        let original = try await explain()
        #expect(original.department == "water-supply")
        let text = try config.read("routing/keywords.yaml")
        try config.write(
            "routing/keywords.yaml",
            text.replacingOccurrences(of: "department: water-supply", with: "department: housing"))
        process.send(SIGHUP)
        try await eventually(timeout: .seconds(20), "new tables in force") {
            try await explain().department == "housing"
        }
        let reloaded = try await explain()
        #expect(reloaded.version != original.version)

        try config.write(
            "routing/keywords.yaml",
            text.replacingOccurrences(of: "department: water-supply", with: "department: nowhere"))
        process.send(SIGHUP)
        try await eventually(timeout: .seconds(20), "refusal logged") { logText().contains("reload refused") }
        #expect(logText().contains("unknown department \"nowhere\""))
        #expect(try await explain() == reloaded)

        process.send(SIGTERM)
        #expect(await process.exited() == 0)
    }
}
