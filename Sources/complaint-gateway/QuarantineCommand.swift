import ArgumentParser
import ComplaintCore
import Foundation
import GatewayServer
import HotlineCSVAdapter
import Logging
import Storage

/// `complaint-gateway quarantine list | show ID | reprocess ID [--profile NAME]`: the payloads
/// kept because they could not become complaints, as `GET /v1/quarantine` and
/// `POST /v1/quarantine/{id}/reprocess` give them, for an operator at the gateway's machine.
///
/// Works on the store directly, with or without a gateway serving the same data directory;
/// complaints a reprocess commits are delivered by the serving gateway.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Payloads kept because they could not become complaints.",
        subcommands: [List.self, Show.self, Reprocess.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List quarantined payloads, most recent first, with the reason.")

        @OptionGroup var options: StoreOptions

        @Option(name: .long, help: "At most this many (1-1000).")
        var limit: Int = 100

        @Option(name: .long, help: "Continue after this payload id (printed after a full page).")
        var cursor: String?

        @Flag(name: .long, help: "One JSON object per line, as GET /v1/quarantine lists them.")
        var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1-1000, found \(limit)") }
            if let cursor, !cursor.hasPrefix("raw_") || cursor.utf8.count != 30 {
                throw ValidationError(
                    "--cursor must be a payload id printed after an earlier page; found \"\(cursor)\"")
            }
        }

        func run() async throws {
            let store = try options.open()
            let items = try await store.quarantined(limit: limit, before: cursor)
            try await store.close()
            if items.isEmpty, !json {
                print("nothing in quarantine")
                return
            }
            for item in items {
                if json {
                    var writer = JSONWriter()
                    item.write(to: &writer)
                    print(String(decoding: writer.bytes, as: UTF8.self))
                } else {
                    // An upload file found with no upload naming it has no profile recorded.
                    let adapter = item.adapter.isEmpty ? "(no profile)" : item.adapter
                    print(
                        "\(item.id)  \(item.channel.rawValue)/\(adapter)  \(RFC3339.format(item.receivedAt))  "
                            + "\(item.size) bytes  \(item.error)")
                }
            }
            if items.count == limit, let last = items.last {
                printError("more may follow: quarantine list --cursor \(last.id)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Write a quarantined payload's bytes, as received, to standard output.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "The payload's id (raw_…).")
        var id: String

        func run() async throws {
            let store = try options.open()
            let found = try await store.quarantinedBody(id: id)
            try await store.close()
            guard let payload = found else {
                printError("no payload in quarantine has the id \(id)")
                throw ExitCode(66)  // EX_NOINPUT
            }
            // An upload is kept in a file, which may be far larger than memory should hold.
            guard let path = payload.bodyPath else {
                FileHandle.standardOutput.write(Data(payload.body))
                return
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                printError("the upload's kept file \(path) is gone")
                throw ExitCode(66)
            }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                FileHandle.standardOutput.write(chunk)
            }
        }
    }

    struct Reprocess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reprocess",
            abstract: "Process a quarantined payload again through its channel, after a fix.",
            discussion: """
                Reads the whole configuration, as serve does (an SMS payload is read by its provider's \
                settings). Prints what POST /v1/quarantine/{id}/reprocess answers: the import report \
                for a hotline upload, else the complaints it became.
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The payload's id (raw_…).")
        var id: String

        @Option(name: .long, help: "A hotline upload: import it with this column profile instead of its own.")
        var profile: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A hotline workbook: read this worksheet (by name or tab position from 1) instead of those named "
                    + "with the upload; once for each sheet.",
                discussion: "--sheet \"\" alone reads the sheets the gateway picks.", valueName: "name"))
        var sheet: [String] = []

        func run() async throws {
            // Its warnings are `config check`'s business; an error still stops the command.
            var configuration = try options.config.load(printingWarnings: false)
            if let dataDir = options.dataDir { configuration.storage.dataDirectory = dataDir }
            try StoreOptions.requireStore(at: configuration.storage.sqlite.path)
            bootstrapCommandLogging()
            let gateway = try Gateway.offline(configuration: configuration, logger: Logger(label: "complaint-gateway"))
            let result: Gateway.QuarantineReprocessing
            do {
                result = try await gateway.reprocessQuarantined(
                    id: id, profile: profile, sheets: sheet.isEmpty ? nil : sheet)
            } catch let error as GatewayError {
                try? await gateway.closeStore()
                printError("\(id): \(error.message)")
                throw ExitCode(error.code == "not_found" ? 66 : error.code == "still_unreadable" ? 65 : 1)
            }
            try await gateway.closeStore()
            switch result {
            case .processed(let json):
                print(json)
            case .imported(let report):
                report.writeJSON(includeIDs: report.rows <= 10_000)
            }
        }
    }
}
