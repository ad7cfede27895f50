import ArgumentParser
import ComplaintCore
import Foundation
import GatewayServer
import HotlineCSVAdapter
import Logging
import Routing
import Storage

/// `--config DIR`, shared by every subcommand.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration directory.")
    var config: String = "./config"

    var directory: URL { URL(fileURLWithPath: config, isDirectory: true) }

    /// Loads the configuration, printing every problem (file:line: field: message) on failure.
    /// - Parameter use: what the command reads; problems in the rest are not its concern.
    /// - Parameter printingWarnings: false leaves the warnings to the caller (in `warnings`), to
    ///   write them in the log's own format.
    func load(for use: ConfigurationUse = .serving, printingWarnings: Bool = true) throws -> GatewayConfiguration {
        try reporting {
            let loaded = try GatewayConfiguration.load(directory: directory, use: use)
            return (loaded, printingWarnings ? loaded.warnings : [])
        }
    }

    /// Loads only `storage:` from gateway.yaml, for commands that work on the store alone.
    func loadStorage() throws -> StorageSettings {
        try reporting { try GatewayConfiguration.loadStorage(directory: directory) }
    }

    private func reporting<Loaded>(_ load: () throws -> (Loaded, [ConfigIssue])) throws -> Loaded {
        do {
            let (loaded, warnings) = try load()
            for warning in warnings { printError("\(config)/\(warning)") }
            return loaded
        } catch let error as ConfigError {
            for issue in error.issues { printError("\(config)/\(issue)") }
            let count = error.issues.filter { $0.severity == .error }.count
            printError("configuration invalid: \(count) error\(count == 1 ? "" : "s")")
            throw ExitCode(78)  // EX_CONFIG
        }
    }
}

extension ConfigOptions {
    /// Loads only the routing configuration (no tokens or secrets needed), printing every problem.
    func loadRouting() throws -> (configuration: RoutingConfiguration, warnings: Int) {
        let (routing, diagnostics) = RoutingConfigurationLoader.load(directory: directory)
        for issue in diagnostics.issues { printError("\(config)/\(issue)") }
        guard let routing else {
            let count = diagnostics.errors.count
            printError("rule tables invalid: \(count) error\(count == 1 ? "" : "s")")
            throw ExitCode(78)  // EX_CONFIG
        }
        return (routing, diagnostics.warnings.count)
    }
}

extension StorageSettings {
    /// For a command that opens the store with `open`: says so on stderr when no store was there and
    /// one was made, since a mistyped `--data-dir` (or the sample's relative `./data` read from another
    /// directory) would otherwise put the work into a store no gateway serves, reported as taken.
    func openingNoticingNewStore<Opened>(_ open: () throws -> Opened) rethrows -> Opened {
        let path = URL(fileURLWithPath: sqlite.path).standardizedFileURL.path
        let existed = FileManager.default.fileExists(atPath: path)
        let opened = try open()
        if !existed {
            printError("note: there was no store at \(path): a new one was made (storage.data_dir or --data-dir)")
        }
        return opened
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `--config` and `--data-dir` for the commands that work on an existing store (`dlq`, `quarantine`).
struct StoreOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("data-dir"), help: "Data directory (overrides storage.data_dir).")
    var dataDir: String?

    /// Fails (exit 1) when `department` is not in departments.yaml: a typo that found nothing
    /// must not read as "nothing to do". Only asked after nothing matched, so the dead letters
    /// of a department since removed from the configuration still list and replay.
    func requireKnown(department: String) throws {
        let known = GatewayConfiguration.departmentIDs(directory: config.directory)
        guard !known.contains(department) else { return }
        printError(
            "no department \"\(department)\" in \(config.config)/departments.yaml; departments: "
                + known.joined(separator: ", "))
        throw ExitCode(1)
    }

    func open() throws -> SQLiteStore {
        var storage = try config.loadStorage()
        if let dataDir { storage.dataDirectory = dataDir }
        try Self.requireStore(at: storage.sqlite.path)
        var logger = Logger(label: "complaint-gateway")
        // Notices only: an upgrade of the store's schema, which can take minutes, says what it does.
        logger.logLevel = .notice
        return try SQLiteStore(configuration: storage.sqlite, logger: logger)
    }

    /// Exits 1 when no store is at `path`: a mistyped path, or a relative data_dir read from
    /// another working directory, must not answer "nothing there" from a store made on the spot.
    static func requireStore(at path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        printError("no store at \(path) (storage.data_dir or --data-dir)")
        throw ExitCode(1)
    }
}

/// Logging for the commands that work beside a serving gateway: warnings, and the notices of a
/// schema upgrade (minutes on a large store) before the work starts.
func bootstrapCommandLogging() {
    LoggingSystem.bootstrap { label in
        var handler = LazyMetadataLogHandler(label: label)
        handler.logLevel = .notice
        return handler
    }
}

extension ImportReport {
    /// The report as the upload answers it, on standard output, written piece by piece from its
    /// spooled lists, never built whole.
    func writeJSON(includeIDs: Bool) {
        var chunks = jsonChunks(includeIDs: includeIDs)
        while let chunk = chunks.next() { FileHandle.standardOutput.write(Data(chunk)) }
        FileHandle.standardOutput.write(Data([0x0A]))
    }
}
