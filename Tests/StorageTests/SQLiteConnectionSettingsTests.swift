import Foundation
import GRDB
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
}
