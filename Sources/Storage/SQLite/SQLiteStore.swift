import CSQLiteTuning
import ComplaintCore
import Foundation
import GRDB
import Logging
import Metrics
import Synchronization

/// The embedded default store: one SQLite file in WAL mode, durable on power loss by default.
///
/// Writes go through a ``GroupCommitWriter`` so concurrent requests share fsyncs; reads use
/// WAL readers and never wait for writers.
public final class SQLiteStore: ComplaintStore {
    let pool: DatabasePool
    /// The dispatcher's claims read here, not through the pool's readers.
    let claimReader: ClaimReader
    let writer: GroupCommitWriter
    let checkpointer: WALCheckpointer
    let configuration: SQLiteConfiguration
    /// Outbox items out with the dispatcher.
    let leases = DeliveryLeases()

    /// Opens (creating if needed) the database at `configuration.path` and migrates it.
    public init(configuration: SQLiteConfiguration, logger: Logger = Logger(label: "cg.storage")) throws {
        self.configuration = configuration
        if cg_sqlite_process_settings_applied() == 0 {
            logger.warning(
                "SQLite refused its process settings (multi-thread mode, no memory statistics); running on its defaults"
            )
        }
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        let synchronous = configuration.synchronous.rawValue.uppercased()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Each write of a group commit runs in its own savepoint, so SQLite keeps the original of
            // every page a write touches in a statement journal; past 64 KiB a batch's journal spilled
            // to a temporary file (open, write, unlink on every commit: 13% of intake CPU). In memory
            // it is bounded by the pages one batch modifies, and nothing in it needs to survive a crash.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Only a new database takes it (an existing one keeps the size it was made with). A
            // complaint row is about 1.4 KB (the record JSON and the routing columns): two filled a
            // 4 KiB page with a third of it left empty; 8 KiB pages hold five. A call-log import
            // ran 7 % faster; API intake and dispatch measured the same.
            try db.execute(sql: "PRAGMA page_size = \(Self.newDatabasePageSize)")
        }
        do {
            let directory = URL(fileURLWithPath: configuration.path).deletingLastPathComponent()
            // Owner only: the store holds citizens' names, numbers and words.
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            pool = try DatabasePool(path: configuration.path, configuration: config)
            // Set on the writer, the only connection that commits, once the pool is open: GRDB puts a
            // new pool's writer in WAL mode with `synchronous = NORMAL` after `prepareDatabase` ran.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
                // A long read (a backup, a report) pins the log, which then grows by every commit
                // meanwhile: hundreds of megabytes. SQLite reuses the file from its start afterwards
                // but never shrinks it; with this limit it cuts it back when the log restarts.
                try db.execute(sql: "PRAGMA journal_size_limit = \(Self.logSizeLimit)")
                // Every complaint lands in about ten B-trees (the table, its list indexes, the
                // outbox's); a call-log import that routes to many departments writes into each
                // department's part of them, and with SQLite's default 2 MiB cache the writer kept
                // reading back pages it had just written (an import took 12 % longer). Readers keep
                // the default: they are many, and a list page reads a few pages.
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            }
            try SchemaUpgrade(migrator: SQLiteSchema.migrator(), path: configuration.path, logger: logger).run(on: pool)
            claimReader = try ClaimReader(path: configuration.path, configuration: config)
        } catch let error as StorageError {
            throw error
        } catch {
            let hint = OpenFailureHint.hint(forStoreAt: configuration.path).map { " (\($0))" } ?? ""
            throw StorageError(
                .unavailable, "cannot open \(configuration.path): \(FileErrorText.describe(error))\(hint)")
        }
        let commitTimer = Metrics.Timer(label: "cg_store_commit_seconds", preferredDisplayUnit: .seconds)
        let batchSize = Recorder(label: "cg_store_commit_batch_size")
        do {
            checkpointer = try WALCheckpointer(path: configuration.path, synchronous: synchronous, logger: logger)
            writer = GroupCommitWriter(pool: pool, maxBatch: configuration.maxBatch, checkpointer: checkpointer) {
                size, seconds in
                commitTimer.recordSeconds(seconds)
                batchSize.record(size)
            }
        } catch {
            throw StorageError(.unavailable, "cannot open \(configuration.path): \(error)")
        }
        logger.info(
            "sqlite store open",
            metadata: [
                "cg.path": "\(configuration.path)", "cg.synchronous": "\(configuration.synchronous.rawValue)",
            ])
    }

    /// Bytes the write-ahead log file keeps when it restarts (64 MiB: twice the size at which the
    /// writer checkpoints inline, so a log of ordinary size is never cut).
    static let logSizeLimit = 64 << 20

    /// The page size a new database file is made with.
    static let newDatabasePageSize = 8192

    /// The writer's page cache, in KiB (SQLite's `cache_size` when negative).
    static let writerCacheKiB = 16 << 10

    public func ping() async throws {
        do {
            _ = try await pool.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }
        } catch {
            throw StorageError(.unavailable, "\(error)")
        }
        // Readable is not enough: a full disk or a read-only file refuses every commit while reads
        // still answer. Not ready while the last commit failed, for a while after it: then a
        // request is let through again to see whether the cause has gone.
        if let failure = writer.lastFailure.withLock({ $0 }),
            Date().timeIntervalSince(failure.at) < Self.unreadyAfterFailedCommit
        {
            throw StorageError(.unavailable, "the last commit failed: \(failure.message)")
        }
    }

    /// Seconds `ping` reports a failed commit.
    static let unreadyAfterFailedCommit: TimeInterval = 10

    public func close() async throws {
        await writer.close()
        try claimReader.close()
        try pool.close()
        // Last to close: its close copies what is left of the log into the database file.
        checkpointer.close()
    }

    /// Runs a read, mapping failures to ``StorageError``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.readFailure(error)
        }
    }

    /// Runs a claim's short read on the calling thread, mapping failures to ``StorageError``.
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try claimReader.read(body)
        } catch {
            throw Self.readFailure(error)
        }
    }

    /// A read's failure as the store reports it: its own errors as they are, the rest as `readFailed`.
    private static func readFailure(_ error: any Error) -> StorageError {
        (error as? StorageError) ?? StorageError(.readFailed, "\(error)")
    }

    /// Runs a write in the next group commit (in the bulk lane: in a transaction of its own, taking
    /// turns with the interactive writes), mapping failures to ``StorageError``.
    func write<T: Sendable>(
        lane: GroupCommitWriter.Lane = .interactive, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await writer.write(lane: lane, body)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError.writeFailed(error)
        }
    }
}
