import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Logging
import ServiceLifecycle
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// Finishes, at start, the call-log imports a stop cut short.
///
/// An upload is recorded (and its bytes kept) before its first batch commits; a crash between
/// batches left part of the file in and the rest not, with the person who uploaded it shown only
/// a network error. The kept file is imported again under the same upload: rows already taken are
/// recognised by line and skipped, the rest are taken, and the rejected-rows file is written
/// whole. An upload that cannot be finished (its file gone, its profile removed) is quarantined
/// with the reason, so it shows in `GET /v1/quarantine` instead of staying half-done unseen.
struct InterruptedImports: Service {
    let importer: HotlineImporter
    let logger: Logger

    func run() async throws {
        let uploads: [InterruptedUpload]
        do {
            uploads = try await importer.store.interruptedUploads()
        } catch {
            logger.error("could not look for interrupted imports", metadata: ["cg.error": "\(error)"])
            return
        }
        for upload in uploads where !Task.isShuttingDownGracefully {
            await finish(upload)
        }
    }

    private func finish(_ upload: InterruptedUpload) async {
        var metadata: Logger.Metadata = ["cg.raw_id": "\(upload.rawID)", "cg.profile": "\(upload.profile)"]
        // An upload whose file another process holds is not cut short: a command-line import
        // beside this gateway is importing it now. Held while it is finished here, for the same reason.
        let held = open(upload.bodyPath, O_RDONLY | O_CLOEXEC)
        defer { if held >= 0 { close(held) } }
        if held >= 0, flock(held, LOCK_EX | LOCK_NB) != 0 {
            logger.notice("an upload is being imported by another process on this data directory", metadata: metadata)
            return
        }
        logger.warning("finishing an import a stop cut short", metadata: metadata)
        do {
            let profile = try importer.profile(named: upload.profile)
            let spooled = try UploadSpool.reread(URL(fileURLWithPath: upload.bodyPath))
            let raw = RawPayload(
                id: upload.rawID, channel: .hotline, adapter: upload.profile, receivedAt: upload.receivedAt,
                contentType: "text/csv", headers: [], body: Data())
            let report = try await importer.run(spooled, raw: raw, profile: profile, includeIDs: false, resuming: true)
            metadata["cg.rows"] = "\(report.rows)"
            metadata["cg.accepted"] = "\(report.accepted)"
            metadata["cg.already_taken"] = "\(report.duplicates)"
            metadata["cg.rejected"] = "\(report.rejectedCount)"
            logger.notice("interrupted import finished", metadata: metadata)
        } catch {
            let reason = "the import was cut short and could not be finished: \(HotlineImporter.failureReason(error))"
            metadata["cg.error"] = "\(reason)"
            logger.error("interrupted import could not be finished; quarantined", metadata: metadata)
            try? await importer.store.abandonUpload(rawID: upload.rawID, error: reason)
        }
    }
}
