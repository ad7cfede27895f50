import ComplaintCore
import ComplaintDispatch
import Foundation
import HotlineCSVAdapter
import Logging
import Storage
import Synchronization

extension Gateway {
    /// A gateway for command-line work (imports) that never serves nor delivers: the outbox rows
    /// it commits are delivered by the running gateway on the same data directory.
    public static func offline(configuration: GatewayConfiguration, logger: Logger) throws -> Gateway {
        // No claim on the data directory: SQLite lets the import commit beside a serving gateway,
        // whose dispatcher then delivers what it committed.
        try Gateway(
            configuration: configuration, logger: logger, registry: nil, transport: OfflineTransport(),
            claimsDataDirectory: false)
    }

    /// Imports a call-log file from disk without serving HTTP (`complaint-gateway import`).
    ///
    /// The file is first copied into the uploads folder (the raw payload the records point to),
    /// then imported exactly as an upload is; the outbox rows wait for the dispatcher of a
    /// running gateway on the same data directory.
    /// - Parameters:
    ///   - sheets: the worksheets of a workbook to read (``SheetChoice``); none: those the
    ///     gateway picks.
    ///   - copying: called with the upload's files and raw payload id before the copy begins
    ///     (an interrupted command removes a copy whose upload was not recorded).
    ///   - progress: called with (bytes done, total bytes) while copying and importing.
    public func importHotlineFile(
        _ file: URL, profile name: String, sheets: [String] = [], includeIDs: Bool?,
        copying: @Sendable (UploadFiles, String) -> Void = { _, _ in },
        progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> ImportReport {
        let profile = try hotlineImporter.profile(named: name)
        let total = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let rawID = pipeline.newRawID()
        let receivedAt = Date()
        copying(hotlineImporter.files, rawID)
        // Copying counts as the first half of the work on the progress bar, the import the second.
        let upload = try UploadSpool.copy(file, to: hotlineImporter.files.upload(rawID: rawID)) {
            progress($0 / 2, total)
        }
        let raw = RawPayload(
            id: rawID, channel: .hotline, adapter: profile.name, receivedAt: receivedAt, contentType: "text/csv",
            headers: SheetChoice(sheets).replacing(in: [
                .init(name: UploadHistory.fileNameHeader, value: file.lastPathComponent)
            ]),
            body: Data())
        do {
            return try await hotlineImporter.run(upload, raw: raw, profile: profile, includeIDs: includeIDs) { done in
                progress(total / 2 + done / 2, total)
            }
        } catch let error as GatewayError {
            throw HotlineImportError(code: error.code, error.message, rawID: error.rawID)
        }
    }

    /// Whether the store holds the raw payload `rawID`, asked from a thread outside Swift's
    /// concurrency (a signal's handler): waits for the answer, 5 s at most; nil when the store
    /// cannot tell in that time (the import holding every thread of the pool, say).
    public func isRecorded(rawID: String) -> Bool? {
        let answer = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        let store = hotlineImporter.store
        Task {
            let recorded = try? await store.recordedPayloads(among: [rawID]).contains(rawID)
            answer.withLock { $0 = recorded }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 5)
        return answer.withLock { $0 }
    }

    /// The file holding an import's rejected rows.
    public func rejectedRowsFile(rawID: String) -> URL { hotlineImporter.files.rejectedRows(rawID: rawID) }

    /// Closes the store of a gateway that was never run (after a command-line import).
    public func closeStore() async throws { try await store.close() }
}

/// The transport of an offline gateway: it opens no connections (its dispatcher never runs).
private struct OfflineTransport: DeliveryTransport {
    func post(url: String, headers: [HeaderField], body: Data, timeout: TimeInterval) async -> TransportResult {
        .failed("this gateway instance does not deliver (command-line import)")
    }

    func shutdown() async throws {}
}
