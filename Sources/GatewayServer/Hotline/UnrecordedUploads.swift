import ComplaintCore
import Foundation
import Logging
import Metrics
import Storage

/// Files in the uploads folder that no upload names, put in quarantine at start and hourly.
///
/// A stop (a crash, `kill -9`, a power cut) that came while a file was being received or copied,
/// before its upload was recorded, leaves such a file; so does a store restored from a backup
/// older than the uploads folder beside it. Either way the file is a citizen's data with nothing
/// pointing to it: deleting it could lose the only copy of calls the store no longer holds, and
/// leaving it unlisted hides it. In quarantine it is listed (`GET /v1/quarantine`) with the
/// reason, and imported with `POST /v1/quarantine/{id}/reprocess?profile=NAME` if wanted (its
/// profile was never recorded); rows already taken count as duplicates.
///
/// Only a file old enough and held by no one: a file another process is receiving or importing
/// beside the gateway is locked (``UploadFileLock``), and the few moments between a file's last
/// byte and its upload's record are far shorter than `minimumAge`.
enum UnrecordedUploads {
    static let minimumAge: TimeInterval = 600

    /// Quarantines them; returns their raw payload ids.
    @discardableResult
    static func quarantine(in files: UploadFiles, store: any BatchIntakeStore, logger: Logger, now: Date = Date()) async
        -> [String]
    {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: files.directory.path)) ?? []
        let rawIDs = names.compactMap(UploadFiles.rawID(ofUpload:))
        guard !rawIDs.isEmpty else { return [] }
        let recorded: Set<String>
        do {
            recorded = try await store.recordedPayloads(among: rawIDs)
        } catch {
            logger.error("could not look for unrecorded uploads", metadata: ["cg.error": "\(error)"])
            return []
        }
        var taken: [String] = []
        for rawID in rawIDs.sorted() where !recorded.contains(rawID) {
            let url = files.upload(rawID: rawID)
            guard
                let modified = try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date,
                now.timeIntervalSince(modified) >= minimumAge,
                let lock = UploadFileLock.take(url)
            else { continue }
            defer { lock.release() }
            do {
                let upload = try UploadSpool.reread(url)
                let raw = RawPayload(
                    id: rawID, channel: .hotline, adapter: "", receivedAt: modified, contentType: "text/csv",
                    headers: [], body: Data())
                try await store.storeUpload(raw, bodyPath: url.path, sha256: upload.sha256, error: reason)
                taken.append(rawID)
                Counter(label: "cg_hotline_unrecorded_uploads_total").increment()
            } catch {
                logger.error(
                    "could not put an unrecorded upload in quarantine",
                    metadata: ["cg.raw_id": "\(rawID)", "cg.error": "\(error)"])
            }
        }
        if !taken.isEmpty {
            logger.warning(
                "files in the uploads folder that no upload named were put in quarantine",
                metadata: ["cg.raw_ids": "\(taken.joined(separator: ","))"])
        }
        return taken
    }

    static let reason =
        "a file in the uploads folder that no upload named: its upload was cut short before it was recorded "
        + "(its sender was told nothing was taken and may have sent it again), or the store is older than the "
        + "folder (restored from a backup). Import it with reprocess?profile=NAME if its calls are missing; "
        + "rows already taken count as duplicates"
}
