import ArgumentParser
import Foundation
import GatewayServer
import Logging
import Routing

/// `complaint-gateway serve`: run the gateway until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Listen address HOST:PORT (overrides server.listen).")
    var listen: String?

    @Option(name: .customLong("data-dir"), help: "Data directory (overrides storage.data_dir).")
    var dataDir: String?

    func run() async throws {
        // Owner only, every file the gateway makes (the store, its log, the uploads): they hold
        // citizens' names, numbers and words, and a file copied out of the 0700 data directory
        // keeps its mode.
        umask(0o077)
        var configuration = try options.load(printingWarnings: false)
        if let listen {
            guard let (host, port) = ServerSettings.parseListen(listen) else {
                throw ValidationError("--listen must be HOST:PORT, found \"\(listen)\"")
            }
            configuration.server.host = host
            configuration.server.port = port
        }
        if let dataDir { configuration.storage.dataDirectory = dataDir }

        let level =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? Logger.Level(rawValue: configuration.logLevel) ?? .info
        let format =
            ProcessInfo.processInfo.environment["LOG_FORMAT"].flatMap(LogFormat.init(rawValue:))
            ?? configuration.logFormat
        LoggingSystem.bootstrap { label in
            var handler = LazyMetadataLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "complaint-gateway")
        for warning in configuration.warnings {
            // In the log's own format: a shipper reading JSON lines must not meet a text line.
            if format == .json {
                logger.warning(
                    "configuration warning", metadata: ["cg.config_issue": "\(options.config)/\(warning)"])
            } else {
                printError("\(options.config)/\(warning)")
            }
        }
        let gateway = try Gateway(configuration: configuration, logger: logger, registry: GatewayMetrics.registry)
        let listening = "http://\(configuration.server.host)"
        let dataDirectory = configuration.storage.dataDirectory
        let summary = "departments=\(configuration.departments.count) tables=\(configuration.routing.tables.count)"
        try await gateway.run { port in
            logger.info(
                "listening",
                metadata: [
                    "cg.address": "\(listening):\(port)",
                    "cg.data_dir": "\(dataDirectory)",
                    "cg.config": "\(summary)",
                ])
        }
    }
}
