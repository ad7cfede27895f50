import Dispatch
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log past 1,000 pages: every
/// caller of that group commit waits for megabytes to be copied and the database file to be
/// fsynced, which made the tail of intake latency. Here the writer only notes the log's size after
/// each commit; once ``backgroundLogBytes`` have been added since the last copy, a separate
/// connection copies them (PASSIVE: it never blocks the writer or readers). When the copy cannot
/// keep up (writes outpace it, or a long read pins old pages), the writer checkpoints inline at
/// ``writerLogBytes`` as SQLite would have, so the log stays bounded.
final class WALCheckpointer: Sendable {
    /// Log added since the last copy that starts a background copy (SQLite's own default of
    /// 1,000 pages, at its default page size of 4 KiB).
    static let backgroundLogBytes = 4 << 20
    /// Log size at which the committing writer copies inline.
    static let writerLogBytes = 32 << 20
    /// The two thresholds in pages of this database (SQLite counts the log in pages).
    private let backgroundPages: Int32
    private let writerPages: Int32

    private struct State {
        var scheduled = false
        /// Log frames the last background copy had copied; the log restarts from zero after a full copy.
        var copied: Int32 = 0
        var closed = false
    }

    /// Used only on `queue`.
    private nonisolated(unsafe) let connection: OpaquePointer
    private let queue = DispatchQueue(label: "complaint-gateway.wal-checkpoint", qos: .utility)
    private let state = Mutex(State())
    private let logger: Logger

    /// Opens the copying connection on the database at `path`, with the store's `synchronous` level
    /// (the copy fsyncs the database file as a commit would).
    init(path: String, synchronous: String, logger: Logger) throws {
        self.logger = logger
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        sqlite3_exec(handle, "PRAGMA synchronous = \(synchronous)", nil, nil, nil)
        connection = handle
        let pageSize = Int(Self.pageSize(of: handle))
        backgroundPages = Int32(Self.backgroundLogBytes / pageSize)
        writerPages = Int32(Self.writerLogBytes / pageSize)
    }

    /// The database's page size (4 KiB for files made before the store chose 8 KiB).
    private static func pageSize(of connection: OpaquePointer) -> Int32 {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(connection, "PRAGMA page_size", -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW
        else { return 4096 }
        return max(512, sqlite3_column_int(statement, 0))
    }

    /// Replaces SQLite's automatic checkpoint on the writer connection `db` with this one.
    ///
    /// The hook holds `self` unretained: the caller keeps this object alive as long as `db` can commit.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit on the writer connection, with the log's size in pages.
    fileprivate func committed(_ db: OpaquePointer?, _ name: UnsafePointer<CChar>?, pages: Int32) {
        if pages >= writerPages {
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        let start = state.withLock { state -> Bool in
            // A log shorter than what was copied has restarted from its beginning.
            if pages < state.copied { state.copied = 0 }
            guard !state.closed, !state.scheduled, pages - state.copied >= backgroundPages else { return false }
            state.scheduled = true
            return true
        }
        if start { queue.async { self.copy() } }
    }

    private func copy() {
        var logPages: Int32 = 0
        var copiedPages: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(connection, "main", SQLITE_CHECKPOINT_PASSIVE, &logPages, &copiedPages)
        state.withLock { state in
            state.scheduled = false
            if code == SQLITE_OK { state.copied = copiedPages }
        }
        // Busy means another copy (the writer's) is running: nothing is wrong. Anything else (a full
        // disk, an I/O error) leaves the log growing until the writer copies inline, so say it.
        if code != SQLITE_OK && code & 0xFF != SQLITE_BUSY {
            logger.warning(
                "WAL checkpoint failed; the log keeps growing until the writer copies it",
                metadata: [
                    "cg.code": "\(code)", "cg.error": "\(String(cString: sqlite3_errmsg(connection)))",
                    "cg.log_pages": "\(logPages)",
                ])
        }
    }

    /// Waits for a copy in progress, then closes the connection (the last connection to close
    /// copies the rest and removes the log).
    func close() {
        let wasClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        queue.sync {}
        sqlite3_close_v2(connection)
    }

    deinit { close() }
}

/// SQLite's WAL hook: runs on the writer's thread right after each commit.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    { context, db, name, pages in
        if let context {
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(db, name, pages: pages)
        }
        return SQLITE_OK
    }
