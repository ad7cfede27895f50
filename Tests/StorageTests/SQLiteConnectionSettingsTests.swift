import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import Storage

/// Per-connection settings, read on the store's own writer connection.
@Suite struct SQLiteConnectionSettingsTests {
    @Test(arguments: [(SQLiteConfiguration.Synchronous.full, 2), (.normal, 1)])
    func theWriterHasTheConfiguredSynchronousLevelAndAMemoryStatementJournal(
        synchronous: SQLiteConfiguration.Synchronous, level: Int
    ) async throws {
        try await withStore(synchronous: synchronous) { store, _ in
            let (actualLevel, tempStore) = try await store.pool.writeWithoutTransaction { db in
                (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA temp_store"))
            }
            #expect(actualLevel == level)
            // 2 = MEMORY: savepoint journals never spill to temporary files.
            #expect(tempStore == 2)
        }
    }

    /// The process runs SQLite in multi-thread mode: a connection has no mutex of its own to take
    /// on every call (each is used by one thread at a time anyway).
    @Test func connectionsTakeNoPerCallMutex() async throws {
        try await withStore { store, _ in
            let writerMutex = try await store.pool.writeWithoutTransaction { db in
                sqlite3_db_mutex(db.sqliteConnection) == nil
            }
            let readerMutex = try await store.pool.read { db in sqlite3_db_mutex(db.sqliteConnection) == nil }
            #expect(writerMutex)
            #expect(readerMutex)
        }
    }

    /// Due items are found per department; no index serves the department-less order any more.
    @Test func dueItemsAreFoundThroughTheDepartmentIndex() async throws {
        try await withStore { store, _ in
            let (indexes, plan) = try await store.pool.read { db in
                (
                    try String.fetchAll(
                        db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"),
                    try Row.fetchAll(
                        db,
                        sql: """
                            EXPLAIN QUERY PLAN SELECT complaint_id, department FROM outbox
                            WHERE state = 'pending' AND department = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?
                            """, arguments: ["d", 0, 1]
                    ).map { $0["detail"] as String }
                )
            }
            #expect(!indexes.contains("outbox_due"))
            #expect(indexes.contains("outbox_department_due"))
            // Covering: the claim steps over the items out with the dispatcher in the index alone.
            #expect(plan.contains { $0.contains("USING COVERING INDEX outbox_department_due") })
            #expect(!plan.contains { $0.contains("TEMP B-TREE") })
        }
    }
}

/// The dispatcher's claims read on a connection of their own.
@Suite struct ClaimReaderTests {
    /// Each claim is a transaction of its own: a read that failed halfway does not leave one
    /// open, which would keep later claims on its snapshot, blind to newer commits.
    @Test func everyReadSeesTheLatestCommitAlsoAfterAFailedOne() async throws {
        try await withStore { store, _ in
            struct Halfway: Error {}
            let count = {
                try store.claimReader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM complaints") }
            }
            #expect(try count() == 0)
            _ = try await Fixtures.ingestOne(into: store)
            #expect(throws: Halfway.self) {
                try store.claimReader.read { db in
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM complaints")
                    throw Halfway()
                }
            }
            _ = try await Fixtures.ingestOne(into: store)
            #expect(try count() == 2)
            let readOnly = try store.claimReader.read { db in db.configuration.readonly }
            #expect(readOnly)
        }
    }
}
