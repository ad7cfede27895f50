import GatewayServer
import Logging
import Synchronization
import Testing

/// Collects what a handler writes.
private final class CapturedStream: TextOutputStream, Sendable {
    private let text = Mutex("")
    func write(_ string: String) { text.withLock { $0 += string } }
    var lines: [String] { text.withLock { $0.split(separator: "\n").map(String.init) } }
}

@Suite struct LazyMetadataLogHandlerTests {
    /// Without the leading timestamp, which may differ by a second between the two handlers.
    private func body(_ line: String) -> String { String(line.drop { $0 != " " }) }

    @Test func writesExactlyWhatStreamLogHandlerWrites() throws {
        let lazyStream = CapturedStream()
        let plainStream = CapturedStream()
        var lazy = Logger(label: "cg.test") { LazyMetadataLogHandler(label: $0, stream: lazyStream) }
        var plain = Logger(label: "cg.test") { StreamLogHandler(label: $0, stream: plainStream) }
        for logger in [lazy, plain] { logger.info("no metadata") }
        lazy[metadataKey: "hb.request.id"] = "42"
        plain[metadataKey: "hb.request.id"] = "42"
        lazy[metadataKey: "a"] = "first"
        plain[metadataKey: "a"] = "first"
        for logger in [lazy, plain] {
            logger.info("logger metadata")
            logger.warning("explicit wins", metadata: ["a": "second", "cg.id": "01J"])
            logger.debug("below the level")
        }
        lazy.logLevel = .debug
        plain.logLevel = .debug
        for logger in [lazy, plain] { logger.debug("now shown") }
        #expect(lazyStream.lines.count == 4)
        #expect(lazyStream.lines.map(body) == plainStream.lines.map(body))
        #expect(
            lazyStream.lines[2].hasSuffix(
                "cg.test: a=second cg.id=01J hb.request.id=42 [GatewayServerTests] explicit wins"))
    }

    @Test func metadataIsReadBackAsSet() {
        var logger = Logger(label: "cg.test") { LazyMetadataLogHandler(label: $0, stream: CapturedStream()) }
        logger[metadataKey: "k"] = "v"
        #expect(logger[metadataKey: "k"] == "v")
        logger[metadataKey: "k"] = nil
        #expect(logger[metadataKey: "k"] == nil)
    }
}
