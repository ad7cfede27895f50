import ComplaintCore
import Foundation
import Glibc
import HTTPTypes
import HotlineCSVAdapter
import Routing
import Storage

/// Imports a spooled call-log file: read, validate, route and commit in batches, answer the report.
///
/// The file is read in 1 MiB chunks; rows are committed a batch at a time (one transaction and
/// one fsync per batch) while the next chunk is parsed, and the report's lists spill to disk as
/// they grow, so memory stays flat whatever the size.
/// Every accepted row goes through the same routing and the same commit (record + decision +
/// outbox row) as a single complaint; duplicates are recognised by the store's natural key
/// (profile + ticket id), so uploading a file again creates nothing.
public struct HotlineImporter: Sendable {
    let pipeline: IntakePipeline
    let store: any BatchIntakeStore
    /// The profiles in force (a reload replaces them).
    let profileSet: HotlineProfileSet
    var profiles: [String: HotlineProfile] { profileSet.current }
    /// Where uploads and their rejected-rows files are kept.
    let files: UploadFiles
    /// `config/hotline/`, to tell a profile added after the start from one that does not exist.
    let profileDirectory: URL?

    /// Rows per committed batch.
    static let batchSize = 2000
    /// Batches handed to the store and not yet settled.
    static let batchesInFlight = 2
    /// Files with at most this many rows list every id in the report unless asked otherwise.
    static let idsByDefaultUpTo = 10_000

    init(
        pipeline: IntakePipeline, profiles: HotlineProfileSet, files: UploadFiles, profileDirectory: URL? = nil
    ) throws {
        guard let store = pipeline.store as? any BatchIntakeStore else {
            throw GatewayError(.notImplemented, code: "not_supported", "this store cannot take file uploads")
        }
        self.pipeline = pipeline
        self.store = store
        profileSet = profiles
        self.files = files
        self.profileDirectory = profileDirectory
    }

    /// The profile named `name`, or a 422 naming the known ones.
    func profile(named name: String?) throws -> HotlineProfile {
        guard let name, !name.isEmpty else {
            throw GatewayError(
                .unprocessableContent, code: "unknown_profile",
                "name the column profile with ?profile= (known: \(profiles.keys.sorted().joined(separator: ", ")))")
        }
        let profiles = self.profiles
        guard let profile = profiles[name] else {
            throw GatewayError(
                .unprocessableContent, code: "unknown_profile",
                "no hotline profile \"\(name)\" (known: \(profiles.keys.sorted().joined(separator: ", ")))"
                    + addedAfterStart(name))
        }
        return profile
    }

    /// A profile file of that name on disk now is one added or fixed since the profiles in force
    /// were read (at the start or the last reload), while `complaint-gateway import` reads them
    /// from disk at once: the CLI takes a file the server refuses until a reload.
    private func addedAfterStart(_ name: String) -> String {
        guard let directory = profileDirectory, !name.contains("/"), !name.hasPrefix(".") else { return "" }
        for suffix in [".yaml", ".yml"]
        where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name + suffix).path) {
            return "; hotline/\(name)\(suffix) was added or changed after the profiles in force were read: reload "
                + "them (POST /v1/routing/reload or SIGHUP, which refuse a profile with errors and say why)"
        }
        return ""
    }

    /// Imports `upload` (already durable on disk) with `profile`.
    /// - Parameters:
    ///   - raw: The upload's metadata (body empty; the bytes are in `upload.url`).
    ///   - includeIDs: list `ids_by_line`; nil lists them for files of up to 10,000 rows.
    ///   - progress: called with the bytes read so far.
    /// - Throws: ``HotlineImportError`` when the file as a whole cannot be read (it is quarantined,
    ///   and the error names it by `rawID`, unless it could not be kept).
    ///   - resuming: the upload is already recorded (an import a stop cut short, being finished; a
    ///     quarantined one imported again), and the caller holds its ``UploadFileLock``.
    func run(
        _ upload: SpooledUpload, raw: RawPayload, profile: HotlineProfile, includeIDs: Bool?,
        resuming: Bool = false, progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> ImportReport {
        var workbook: WorkbookReader?
        var sheets: SheetPlan?
        let choice = SheetChoice(raw: raw)
        if WorkbookReader.mayBeWorkbook(upload.prefix) {
            do {
                let opened = try WorkbookReader(path: upload.url.path, spillDirectory: files.directory.path)
                let plan = try SheetPlan(opened, profile: profile, chosen: try choice.orders(in: opened))
                if plan.lookedAtSheets { try opened.read(sheetOrder: plan.orders[0]) }
                sheets = plan
                workbook = opened
            } catch let error as WorkbookError {
                throw try await refuse(HotlineImportError(code: error.code, error.description), upload, raw, resuming)
            } catch let error as HotlineImportError {
                throw try await refuse(error, upload, raw, resuming)
            }
        } else if let kind = NotCSVSignature.kind(of: upload.prefix) {
            throw try await refuse(
                HotlineImportError(code: "not_csv", NotCSVSignature.message(kind)), upload, raw, resuming)
        }
        // A workbook's text is Unicode, handed over as UTF-8; rows sent back are UTF-8 CSV.
        let encoding =
            workbook != nil
            ? .utf8
            : profile.encoding
                ?? CSVEncoding.detect(prefix: upload.prefix, utf8: upload.utf8, fallback: profile.fallbackEncoding)
        var report = ImportReport(
            fileSHA256: upload.sha256, profile: profile.name, encoding: encoding, rawID: raw.id,
            spillDirectory: files.directory.path)
        if let workbook, let sheets {
            if sheets.orders.count > 1 { report.sheets = sheets.names }
            if let warning = sheets.warning(workbook, profile: profile.name) { report.warningsOnRead.append(warning) }
        } else if let unused = choice.unusedWarning {
            report.warningsOnRead.append(unused)
        }
        var session = try ImportSession(
            importer: self, upload: upload, raw: raw, profile: profile, encoding: encoding,
            fromWorkbook: workbook != nil, includeIDs: includeIDs, report: report, batchSize: Self.batchSize,
            rejectsColumns: sheets?.rejectsColumns)
        let sheetOrders = sheets?.orders ?? [0]
        let input = open(upload.url.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw HotlineImportError(code: "unreadable_file", "cannot open the stored upload \(upload.url.path)")
        }
        defer { close(input) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        // A workbook's strings and styles were read on opening it: progress counts from there.
        var bytesRead = workbook?.bytesBeforeSheet ?? 0
        // Batches committing, oldest first: up to two, so the writer always has the next batch
        // queued when one commits and neither side waits for the other.
        var pending: [(task: Task<[BatchIntakeOutcome], any Error>, rows: [HotlineRow])] = []
        var uploadStored = resuming
        var nextSheet = 1
        while true {
            var count: Int
            if let reading = workbook {
                do {
                    count = try reading.step { session.take($0) }
                    // A sheet read, another to read: its rows follow in the same import.
                    if count == 0 && nextSheet < sheetOrders.count {
                        try reading.read(sheetOrder: sheetOrders[nextSheet])
                        session.beginSheet(nextSheet)
                        nextSheet += 1
                        count = 1  // not the workbook's end: the loop goes on with the next sheet
                    }
                } catch {
                    var failure = HotlineImportError(code: error.code, error.description)
                    if uploadStored {
                        failure.message +=
                            "; the rows read before the damage stay stored, and the workbook is kept in quarantine"
                    }
                    throw try await refuse(failure, upload, raw, uploadStored)
                }
                if count == 0 { session.finish() }
            } else {
                count = read(input, chunk.baseAddress, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else {
                    throw HotlineImportError(code: "unreadable_file", "cannot read the stored upload")
                }
                if count == 0 {
                    session.finish()
                } else {
                    try session.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
                }
            }
            // A workbook read from several sheets counts some bytes twice (the bytes before the
            // first sheet hold the later sheets, read again in their turn): progress stops at the
            // file's size.
            bytesRead = min(bytesRead + count, max(upload.size, bytesRead))
            if !uploadStored, let outcome = session.headerOutcome {
                // Held from here until the import ends (the kernel lets go if the process dies):
                // the gateway must not take an upload being imported, here or by a command-line
                // import beside it, for one a stop cut short (``UploadFileLock``,
                // ``InterruptedImports``), and an interrupted command must not remove a copy
                // that is recorded. Taken just before the record, not earlier: until then the
                // command removes its copy on Ctrl-C. One being finished or imported again is
                // held by its caller.
                _ = flock(input, LOCK_EX)
                // The upload is recorded before any of its rows commits; a file whose header
                // cannot be used is kept in quarantine with the reason.
                try await store.storeUpload(
                    raw, bodyPath: upload.url.path, sha256: upload.sha256, error: outcome?.message)
                uploadStored = true
                if var failure = outcome {
                    failure.rawID = raw.id
                    throw failure
                }
            }
            // Finishing an import with a profile changed since: its header may no longer fit.
            if resuming, let outcome = session.headerOutcome, let failure = outcome { throw failure }
            // Commit in batches. A batch is committed in a task of its own while the next chunk is
            // read, validated, routed and encoded here: two cores share the work, about evenly.
            while let rows = session.takeBatch(final: count == 0) {
                let items = Self.items(for: rows, pipeline, rawID: raw.id)
                if pending.count >= Self.batchesInFlight {
                    let oldest = pending.removeFirst()
                    session.settle(oldest.rows, try await oldest.task.value, into: &report)
                }
                let store = self.store
                let rawID = raw.id
                // `Task.immediate` runs until the store has queued the batch, so batches reach the
                // writer in file order (the first occurrence of a ticket id is the one kept).
                pending.append((Task.immediate { try await store.ingestBatch(rawID: rawID, items: items) }, rows))
            }
            progress(bytesRead)
            if count == 0 { break }
        }
        for batch in pending {
            session.settle(batch.rows, try await batch.task.value, into: &report)
        }
        try session.close(into: &report, includeIDs: includeIDs)
        // Until here the upload is `importing`: a stop before this line is finished at the next start.
        // The gateway's own pick reads every fitting sheet; a choice, only what a copy asked for alike.
        try await store.finishUpload(rawID: raw.id, summary: report.summaryJSON) {
            choice.isEmpty || SheetChoice(headers: $0) == choice
        }
        return report
    }

    /// A file that cannot be read as a whole: kept in quarantine with the reason, the error
    /// naming it. One recorded already (damage found half-way through a workbook, an upload
    /// being finished or imported again) goes back to quarantine at once: read again, it would
    /// meet the same damage.
    private func refuse(
        _ failure: HotlineImportError, _ upload: SpooledUpload, _ raw: RawPayload, _ recorded: Bool
    ) async throws -> HotlineImportError {
        var failure = failure
        failure.rawID = raw.id
        if recorded {
            try await store.abandonUpload(rawID: raw.id, error: failure.message)
        } else {
            try await store.storeUpload(raw, bodyPath: upload.url.path, sha256: upload.sha256, error: failure.message)
        }
        return failure
    }

    /// What an upload's client or an importing operator hears when an import stops half-way:
    /// why (`cause`), what was kept, and what to do (`again`: how they send the file again).
    public static func stoppedMessage(cause: String, again: String) -> String {
        "the import stopped: \(cause). The rows of batches committed before stay stored; \(again) later: rows "
            + "already taken count as duplicates, none is stored twice"
    }

    /// Why an import failed, in words: the gateway's own errors by their message, the store's and
    /// Foundation's file errors without their dumps.
    public static func failureReason(_ error: any Error) -> String {
        switch error {
        case let error as HotlineImportError: error.message
        case let error as GatewayError: error.message
        case let error as StorageError: error.message
        default: FileErrorText.describe(error)
        }
    }

    /// The line the store keeps for a row, which tells a ticket repeated in the upload from the same
    /// row sent again (an import finished after a stop): the row's line, with its worksheet's
    /// index above bit 32 when several were read (each numbers its rows from 1).
    static func storedLine(_ row: HotlineRow) -> Int { row.sheet << 32 | row.line }

    /// The worksheet and line of a stored line (see ``storedLine(_:)``).
    static func sheetAndLine(_ stored: Int) -> (sheet: Int, line: Int) { (stored >> 32, stored & 0xFFFF_FFFF) }

    /// Routes and encodes rows for a batch commit.
    static func items(for rows: [HotlineRow], _ pipeline: IntakePipeline, rawID: String) -> [BatchIntakeItem] {
        let now = Date()
        let router = pipeline.routers.current
        var items: [BatchIntakeItem] = []
        items.reserveCapacity(rows.count)
        // By index: `map` copied each whole row (its record, fields and warnings: a retain and a
        // release for each of their strings) to read two of its properties.
        for index in rows.indices {
            var item = pipeline.prepareBatchItem(
                rows[index].draft, rawID: rawID, line: storedLine(rows[index]), now: now, router: router)
            item.contentFingerprint = RowContent.fingerprint(rows[index].draft)
            items.append(item)
        }
        return items
    }
}
