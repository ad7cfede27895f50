import ArgumentParser
import ComplaintCore
import EmailAdapter
import Foundation
import GatewayServer
import Logging

/// `complaint-gateway email import FILE.eml|FILE.mbox|MAILDIR`.
struct EmailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "email", abstract: "Email intake tools.", subcommands: [EmailImportCommand.self])
}

struct EmailImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import messages from an .eml file, an mbox file or a Maildir, as if they had been received.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "An .eml file, an mbox file, or a Maildir (or a directory of message files).")
    var path: String

    @Option(name: .customLong("data-dir"), help: "Data directory (overrides storage.data_dir).")
    var dataDir: String?

    @Option(name: .long, help: "The records' source.adapter.")
    var adapter: String = "import"

    func run() async throws {
        var configuration = try options.load(for: .emailImport)
        if let dataDir { configuration.storage.dataDirectory = dataDir }
        let files: MailboxFiles
        do {
            files = try MailboxFiles(path: path)
        } catch {
            printError("cannot read \(FileErrorText.describe(error, at: path))")
            throw ExitCode(66)  // EX_NOINPUT
        }
        var logger = Logger(label: "complaint-gateway")
        // Warnings, and the notices of a schema upgrade (minutes on a large store) before the import.
        logger.logLevel = .notice
        let gateway = try configuration.storage.openingNoticingNewStore {
            try Gateway.offline(configuration: configuration, logger: logger)
        }
        let progress = ProgressBar(unit: .items("messages"))
        var created = 0
        var followUps = 0
        var duplicates = 0
        var ignored = 0
        var failed: [String] = []
        for index in 0..<files.count {
            do {
                let message = try files.message(at: index)
                guard MailboxFiles.startsWithHeaderField(message) else {
                    failed.append("message \(index + 1): not an e-mail message (it does not start with a header field)")
                    progress.update(done: index + 1, total: files.count)
                    continue
                }
                switch try await gateway.importEmail(message, adapter: adapter) {
                case .created(_, _, let parent):
                    created += 1
                    if parent != nil { followUps += 1 }
                case .duplicate: duplicates += 1
                case .ignored: ignored += 1
                }
            } catch {
                failed.append("message \(index + 1): \((error as? any LocalizedError)?.errorDescription ?? "\(error)")")
            }
            progress.update(done: index + 1, total: files.count)
        }
        try await gateway.closeStore()
        progress.clear()
        print(
            "\(files.kind.rawValue) \(path): \(files.count) messages; \(created) complaints (\(followUps) follow-ups), "
                + "\(duplicates) duplicates, \(ignored) auto-replies/bounces ignored, \(failed.count) failed")
        for line in failed.prefix(20) { printError(line) }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
