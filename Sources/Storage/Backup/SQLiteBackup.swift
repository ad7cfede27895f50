import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// An online copy of the SQLite store: one consistent snapshot, taken while a gateway may be
/// serving from the same file.
public enum SQLiteBackup {
    /// What the copy holds.
    public struct Summary: Sendable, Equatable {
        public var complaints: Int
        /// When the newest complaint in the copy was accepted (nil: no complaint yet).
        public var newestIngestedAt: Date?
        /// Uploads (hotline files) the copy records: their files belong with it.
        public var uploadIDs: [String]
        public var bytes: Int
    }

    /// Copies the store at `source` into a new file at `destination`.
    ///
    /// The copy is SQLite's backup API inside one read transaction: in WAL mode it sees the store
    /// as of its first step and never blocks the writer, however long it runs (the WAL grows
    /// meanwhile, since a checkpoint cannot pass a reader). The source is opened read-only and
    /// its schema is left as it is: no migration runs. The copy is then switched to a rollback
    /// journal, so it is one self-contained file, and checked (`quick_check`). Its commits are
    /// synced (synchronous=FULL); the caller syncs the directory that holds it.
    /// - Parameters:
    ///   - pagesPerStep: pages copied between two calls of `progress` (1,024 pages, 4 MiB: steps
    ///     for the progress of a large store, few for a small one).
    ///   - pace: the rate the copy keeps to (each step waits its turn); unlimited by default.
    ///   - progress: called after each step with the pages copied and the pages in all.
    /// - Throws: ``StorageError`` when the source is not a store or the copy fails its check.
    public static func copy(
        from source: String, to destination: String, busyTimeout: TimeInterval = 5, pagesPerStep: Int = 1024,
        pace: CopyPace = CopyPace(bytesPerSecond: nil),
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> Summary {
        var pace = pace
        guard FileManager.default.fileExists(atPath: source) else {
            throw StorageError(.unavailable, "no store at \(source)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StorageError(.unavailable, "\(destination) already exists")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let summary: Summary
        do {
            let reader = try DatabaseQueue(path: source, configuration: configuration)
            let writer = try DatabaseQueue(path: destination)
            try reader.read { snapshot in
                // This first read starts the snapshot, and the copy's steps all read within it.
                // Without it each step would start a read of its own, and a commit between two
                // steps would restart the copy from the first page: on a busy store, for ever.
                guard try snapshot.tableExists("complaints") else {
                    throw StorageError(.unavailable, "\(source) is not a complaint store (no complaints table)")
                }
                try writer.writeWithoutTransaction { copy in
                    // Written back as it goes, a step at a time: left to the kernel, gigabytes of
                    // dirty pages would be flushed in bursts, and each burst would stall the
                    // serving gateway's commits behind it (its fsyncs share the disk, and on ext4
                    // its journal).
                    let flush = open(destination, O_RDONLY | O_CLOEXEC)
                    defer { if flush >= 0 { close(flush) } }
                    let pageSize = try Int.fetchOne(snapshot, sql: "PRAGMA page_size") ?? 4096
                    var copied = 0
                    try withoutActuallyEscaping(progress) { progress in
                        try snapshot.backup(to: copy, pagesPerStep: CInt(pagesPerStep)) { step in
                            // Never expected within one snapshot; if SQLite restarted the copy
                            // anyway, fail rather than start over while the store keeps changing.
                            guard step.completedPageCount >= copied else {
                                throw StorageError(.readFailed, "the store changed under the copy; try again")
                            }
                            let pages = step.completedPageCount - copied
                            copied = step.completedPageCount
                            if flush >= 0 { fdatasync(flush) }
                            pace.copied(pages * pageSize)
                            progress(step.completedPageCount, step.totalPageCount)
                        }
                    }
                }
            }
            summary = try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw StorageError(
                        .corrupt, "the copy failed its check: \(check.prefix(5).joined(separator: "; "))")
                }
                let complaints = try Int.fetchOne(db, sql: "SELECT count(*) FROM complaints") ?? 0
                let newest = try Int64.fetchOne(db, sql: "SELECT max(ingested_at) FROM complaints")
                let hasBodyPath = try db.columns(in: "raw_payloads").contains { $0.name == "body_path" }
                let uploads =
                    hasBodyPath
                    ? try String.fetchAll(db, sql: "SELECT id FROM raw_payloads WHERE body_path IS NOT NULL") : []
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                return Summary(
                    complaints: complaints, newestIngestedAt: newest.map(Date.init(unixMilliseconds:)),
                    uploadIDs: uploads, bytes: pages * pageSize)
            }
            try writer.close()
            try reader.close()
        } catch let error as StorageError {
            throw error
        } catch let error as DatabaseError {
            throw StorageError(.unavailable, "backup of \(source) failed: \(Self.explain(error))")
        } catch {
            throw StorageError(.unavailable, "backup of \(source) failed: \(error)")
        }
        return summary
    }

    /// SQLite's backup step reports its result code with the message of another connection,
    /// which may read "not an error": the code is what went wrong.
    static func explain(_ error: DatabaseError) -> String {
        guard error.message == nil || error.message == "not an error" else { return error.message ?? "" }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL: return "the disk is full (SQLITE_FULL)"
        case .SQLITE_IOERR: return "disk I/O error (SQLITE_IOERR)"
        case .SQLITE_READONLY: return "the destination is read-only (SQLITE_READONLY)"
        case .SQLITE_CANTOPEN: return "the destination cannot be opened (SQLITE_CANTOPEN)"
        case .SQLITE_PERM: return "permission denied (SQLITE_PERM)"
        default: return "SQLite error \(error.resultCode.rawValue)"
        }
    }
}
