import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Finishes the call-log imports a stop cut short: at start, and while the gateway runs.
///
/// An upload is recorded (and its bytes kept) before its first batch commits; a crash between
/// batches left part of the file in and the rest not, with the person who uploaded it shown only
/// a network error. The kept file is imported again under the same upload: rows already taken are
/// recognised by line and skipped, the rest are taken, and the rejected-rows file is written
/// whole. An upload that cannot be finished (its file gone, its profile removed) is quarantined
/// with the reason, so it shows in `GET /v1/quarantine` instead of staying half-done unseen.
///
/// A command-line import beside the running gateway can be stopped too (Ctrl-C, a closed
/// terminal, its own crash): the store is looked at again every `interval`, so such an import is
/// finished within seconds rather than at the gateway's next start. The look is one query on an
/// index holding only unfinished uploads. An upload whose file is held is being imported (here,
/// or by the command) and is left alone (``UploadFileLock``).
struct InterruptedImports: Service {
    let importer: HotlineImporter
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Uploads seen held by another import: said once, not at every look.
        var seenHeld: Set<String> = []
        var retries = StoreRetries()
        var unrecordedLookedAt: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Hourly: a command-line copy killed beside the gateway leaves such a file too.
            if unrecordedLookedAt.map({ $0.duration(to: .now) >= .seconds(3600) }) ?? true {
                unrecordedLookedAt = .now
                await UnrecordedUploads.quarantine(in: importer.files, store: importer.store, logger: logger)
            }
            let uploads: [InterruptedUpload]
            do {
                uploads = try await importer.store.interruptedUploads()
            } catch {
                logger.error("could not look for interrupted imports", metadata: ["cg.error": "\(error)"])
                uploads = []
            }
            seenHeld.formIntersection(uploads.map(\.rawID))
            retries.keep(only: uploads.map(\.rawID))
            for upload in uploads where !Task.isShuttingDownGracefully && retries.isDue(upload.rawID) {
                guard let lock = UploadFileLock.take(URL(fileURLWithPath: upload.bodyPath)) else {
                    if seenHeld.insert(upload.rawID).inserted {
                        logger.notice(
                            "an upload is being imported by another process on this data directory",
                            metadata: ["cg.raw_id": "\(upload.rawID)", "cg.profile": "\(upload.profile)"])
                    }
                    continue
                }
                // Held while it is finished, for the same reason.
                defer { lock.release() }
                if await !finish(upload) { retries.failed(upload.rawID) }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// When an upload the store refused to finish is tried again: the store's trouble (a full
    /// disk, an I/O error) is usually fixed in minutes, and each try reads the file from its start.
    private struct StoreRetries {
        private var next: [String: (at: ContinuousClock.Instant, wait: Duration)] = [:]

        func isDue(_ rawID: String) -> Bool { next[rawID].map { $0.at <= .now } ?? true }

        /// After 5 s, then twice as long each time, up to 10 minutes.
        mutating func failed(_ rawID: String) {
            let wait = min((next[rawID]?.wait ?? .milliseconds(2500)) * 2, .seconds(600))
            next[rawID] = (.now + wait, wait)
        }

        mutating func keep(only rawIDs: [String]) {
            let current = Set(rawIDs)
            next = next.filter { current.contains($0.key) }
        }
    }

    /// Finishes `upload`, or quarantines it with the reason; false when the store refused it,
    /// which leaves it `importing` to be tried again.
    private func finish(_ upload: InterruptedUpload) async -> Bool {
        var metadata: Logger.Metadata = ["cg.raw_id": "\(upload.rawID)", "cg.profile": "\(upload.profile)"]
        logger.warning("finishing an import a stop cut short", metadata: metadata)
        do {
            let profile = try importer.profile(named: upload.profile)
            let spooled = try UploadSpool.reread(URL(fileURLWithPath: upload.bodyPath))
            let raw = RawPayload(
                id: upload.rawID, channel: .hotline, adapter: upload.profile, receivedAt: upload.receivedAt,
                contentType: "text/csv", headers: upload.headers, body: Data())
            let report = try await importer.run(spooled, raw: raw, profile: profile, includeIDs: false, resuming: true)
            metadata["cg.rows"] = "\(report.rows)"
            metadata["cg.accepted"] = "\(report.accepted)"
            metadata["cg.already_taken"] = "\(report.duplicates)"
            metadata["cg.rejected"] = "\(report.rejectedCount)"
            logger.notice("interrupted import finished", metadata: metadata)
            Self.count("finished")
            return true
        } catch let error as StorageError where error.code != .corrupt {
            metadata["cg.error"] = "\(LogRedaction.scrub(error.message))"
            logger.error(
                "interrupted import could not be finished yet: the store refused; tried again later", metadata: metadata
            )
            Self.count("store_refused")
            return false
        } catch {
            let reason = "the import was cut short and could not be finished: \(HotlineImporter.failureReason(error))"
            metadata["cg.error"] = "\(reason)"
            logger.error("interrupted import could not be finished; quarantined", metadata: metadata)
            try? await importer.store.abandonUpload(rawID: upload.rawID, error: reason)
            Self.count("quarantined")
            return true
        }
    }

    private static func count(_ outcome: String) {
        Counter(label: "cg_hotline_imports_resumed_total", dimensions: [("outcome", outcome)]).increment()
    }
}
