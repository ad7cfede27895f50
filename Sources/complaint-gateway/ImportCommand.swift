import ArgumentParser
import Foundation
import GatewayServer
import HotlineCSVAdapter
import Logging
import Storage
import Synchronization

/// `complaint-gateway import FILE --profile NAME`: import a hotline call-log CSV.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a hotline call-log CSV file (or .xlsx / .xls / .ods workbook) with a column profile."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(
        help:
            "The call-log file: CSV, an Excel workbook (.xlsx, or .xls from Excel 97–2003) or an OpenDocument spreadsheet (.ods)."
    )
    var file: String

    @Option(name: .long, help: "Column profile: a file name in config/hotline/ without .yaml (12345, 311).")
    var profile: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A workbook's worksheet to read, by name or by its tab's position from 1; once for each sheet.",
            discussion: "Without it, every shown sheet whose header fits the profile is read.",
            valueName: "name"))
    var sheet: [String] = []

    @Option(name: .customLong("data-dir"), help: "Data directory (overrides storage.data_dir).")
    var dataDir: String?

    @Flag(name: .long, help: "Print the import report as JSON instead of a summary.")
    var json = false

    @Flag(name: .long, help: "List every complaint id by line in the JSON report, whatever the file's size.")
    var ids = false

    func run() async throws {
        var configuration = try options.load(for: .hotlineImport)
        if let dataDir { configuration.storage.dataDirectory = dataDir }
        bootstrapCommandLogging()
        // Checked before the store is opened: a typo must not create a data directory.
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) || isDirectory.boolValue {
            let why = isDirectory.boolValue ? "is a directory, not a file" : "no such file"
            try refuse("unreadable_file", "cannot read \(file): \(why)", exit: 66)  // EX_NOINPUT
        }
        if configuration.hotlineProfiles[profile] == nil {
            let known = configuration.hotlineProfiles.keys.sorted().joined(separator: ", ")
            try refuse(
                "unknown_profile", "no hotline profile \"\(profile)\" in \(options.config)/hotline/ (known: \(known))",
                exit: 64)  // EX_USAGE
        }
        let gateway: Gateway
        do {
            gateway = try configuration.storage.openingNoticingNewStore {
                try Gateway.offline(configuration: configuration, logger: Logger(label: "complaint-gateway"))
            }
        } catch {
            let reason = HotlineImporter.failureReason(error)
            try refuse("store_unavailable", "the store cannot be opened: \(reason)", exit: 75)  // EX_TEMPFAIL
        }
        let bar = ProgressBar(unit: .bytes)
        let copy = InterruptedCopy()
        let interruption = Interruption.handle { [file] in
            bar.clear()
            printError("\(file): \(copy.abandon { rawID in gateway.isRecorded(rawID: rawID) })")
        }
        defer { interruption.cancel() }
        let report: ImportReport
        do {
            report = try await gateway.importHotlineFile(
                URL(fileURLWithPath: file), profile: profile, sheets: sheet, includeIDs: ids ? true : nil,
                copying: copy.set
            ) { done, total in bar.update(done: done, total: total) }
            copy.finished(Self.summary(report))
        } catch let error as HotlineImportError {
            bar.clear()
            try? await gateway.closeStore()
            try refuse(error.code, error.message, rawID: error.rawID, exit: 65)  // EX_DATAERR
        } catch let error as GatewayError {
            bar.clear()
            try? await gateway.closeStore()
            try refuse(error.code, error.message, rawID: error.rawID, exit: error.code == "unreadable_file" ? 66 : 1)
        } catch let error as StorageError {
            // As the upload's 503 says it, with the store's own words for the operator.
            bar.clear()
            try? await gateway.closeStore()
            try refuse(
                "store_unavailable",
                HotlineImporter.stoppedMessage(
                    cause: "the store could not commit its rows (\(error))", again: "run the same import again"),
                exit: 75)  // EX_TEMPFAIL
        } catch {
            bar.clear()
            try? await gateway.closeStore()
            try refuse("import_failed", HotlineImporter.failureReason(error), exit: 1)
        }
        bar.clear()
        try await gateway.closeStore()
        try printReport(report, gateway: gateway)
    }

    /// Says why the file was not imported, on standard error, and with `--json` also on standard
    /// output in the shape the HTTP upload answers it (a script reads it there); then exits.
    /// A refused file that was kept (`rawID`) is named, with how to process it again once fixed.
    private func refuse(_ code: String, _ message: String, rawID: String? = nil, exit status: Int32) throws -> Never {
        printError("\(file): \(message)")
        if let rawID, code == "not_csv" || code == "unreadable_workbook" {
            printError("kept in quarantine as \(rawID); nothing was imported: import the file you save instead")
        } else if let rawID, code == "unknown_sheet" || code == "unfit_sheet" {
            printError(
                "kept in quarantine as \(rawID): complaint-gateway quarantine reprocess \(rawID) --sheet NAME (or "
                    + "POST /v1/quarantine/\(rawID)/reprocess?sheet=NAME) imports it from the sheets named without a "
                    + "new upload")
        } else if let rawID {
            printError(
                "kept in quarantine as \(rawID): after fixing the profile (or with --profile's right value), "
                    + "POST /v1/quarantine/\(rawID)/reprocess[?profile=NAME] imports it without a new upload")
        }
        if json {
            var error = ["code": code, "message": message]
            if let rawID { error["raw_id"] = rawID }
            let body: [String: [String: String]] = ["error": error]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(body) + Data([0x0A]))
        }
        throw ExitCode(status)
    }

    /// The report's counts in one line: `200000 rows: 199990 accepted, … (utf-8, upload raw_…)`.
    static func summary(_ report: ImportReport) -> String {
        "\(report.rows) rows: \(report.accepted) accepted, \(report.duplicates) duplicates, "
            + "\(report.rejectedCount) rejected, \(report.warningCount) warnings (\(report.encoding.rawValue), "
            + "upload \(report.rawID))"
    }

    private func printReport(_ report: ImportReport, gateway: Gateway) throws {
        var report = report
        if report.rejectedCSVPath != nil { report.rejectedFile = gateway.rejectedRowsFile(rawID: report.rawID).path }
        if json {
            report.writeJSON(includeIDs: ids || report.rows <= 10_000)
            return
        }
        print("\(file): \(Self.summary(report))")
        // `"2月" line 5 [GD001]: reason`: where the row is, its ticket, what is wrong.
        let said = { (issue: ImportReport.RowIssue) in
            report.place(sheet: issue.sheet, line: issue.line) + (issue.ticket.map { " [\($0)]" } ?? "")
                + ": \(issue.reason)"
        }
        for issue in report.rejected().prefix(20) { print("  " + said(issue)) }
        if report.rejectedCount > 20 { print("  … \(report.rejectedCount - 20) more") }
        // Taken, but worth a look: a landline that lost its 0, a phone Excel rounded.
        for issue in report.warnings().prefix(20) { print("  warning, " + said(issue)) }
        if report.warningCount > 20 { print("  … \(report.warningCount - 20) more warnings (--json lists them all)") }
        if let file = report.rejectedFile { print("rejected rows to fix and import again: \(file)") }
    }
}

/// The copy an import makes of its file, for a Ctrl-C: removed if its upload was not recorded
/// (nothing of it was imported), else left for the gateway to finish the import from.
private final class InterruptedCopy: Sendable {
    private let upload = Mutex<(files: UploadFiles, rawID: String)?>(nil)
    /// The report's counts, once the import has finished and only its report is being printed.
    private let summary = Mutex<String?>(nil)

    func set(_ files: UploadFiles, _ rawID: String) { upload.withLock { $0 = (files, rawID) } }

    func finished(_ counts: String) { summary.withLock { $0 = counts } }

    /// What became of the import, in words, once its copy has been dealt with.
    /// - Parameter isRecorded: whether the store holds the upload; nil when it cannot tell.
    func abandon(isRecorded: (String) -> Bool?) -> String {
        // Stopped while the report is printed (a long one, to a pipe read slowly): nothing is left
        // to finish, and the store is closed already, so it could not be asked.
        if let counts = summary.withLock({ $0 }) {
            return "interrupted while printing the report; the import itself had finished: \(counts)"
        }
        guard let (files, rawID) = upload.withLock({ $0 }) else { return "import interrupted; nothing was imported" }
        // Shared, as the copy's writer holds it: only the import's exclusive lock, taken just
        // before it records the upload, excludes it. Taken here, it stays ours until the command
        // exits, so the import cannot record the upload from now on; whether it did before (the
        // import ended, or failed, and let go) the store says.
        if UploadFileLock.take(files.upload(rawID: rawID), shared: true) != nil, isRecorded(rawID) == false {
            // With the rows read so far that were rejected, if any: nothing names them either.
            for file in files.all(rawID: rawID) { try? FileManager.default.removeItem(at: file) }
            return "import interrupted before anything was recorded; nothing was imported"
        }
        return "import interrupted: the rows of the batches committed so far stay stored (and are delivered); "
            + "a gateway serving this data directory finishes the rest from the kept copy within seconds, "
            + "else it does at its next start. Running the same import again instead is safe: rows already taken "
            + "count as duplicates, none is stored twice"
    }
}
