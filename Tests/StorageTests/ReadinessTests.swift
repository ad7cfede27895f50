import Foundation
import GRDB
import Testing

@testable import Storage

@Suite("Readiness follows the commits, not only the reads")
struct ReadinessTests {
    @Test("a store whose commits fail (full) is not ready; once a commit succeeds again it is")
    func failedCommitsMakeItUnready() async throws {
        try await withStore { store, _ in
            _ = try await Fixtures.ingestOne(into: store)
            try await store.ping()
            // SQLite's own "database or disk is full": the file may grow no further.
            let pages = try await store.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA page_count")!
            }
            try await store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            var failed = false
            for _ in 0..<200 where !failed {
                do { _ = try await Fixtures.ingestOne(into: store) } catch { failed = true }
            }
            #expect(failed)
            await #expect(throws: StorageError.self) { try await store.ping() }
            try await store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA max_page_count = 1073741823")
            }
            _ = try await Fixtures.ingestOne(into: store)
            try await store.ping()
        }
    }
}
