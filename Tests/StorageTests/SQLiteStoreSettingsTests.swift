import ComplaintCore
import Foundation
import Storage
import Testing

/// The database file's mode as another process sees it.
///
/// `PRAGMA synchronous` is per connection and not visible from a second connection, so it is
/// not checked here (StorageTests does not depend on GRDB to look inside the store's pool).
@Suite struct SQLiteStoreSettingsTests {
    @Test(arguments: SQLiteConfiguration.Synchronous.allCases)
    func databaseIsInWALMode(synchronous: SQLiteConfiguration.Synchronous) async throws {
        try await withStore(synchronous: synchronous) { store, path in
            _ = try await store.ingest(Fixtures.submission())
            #expect(try await SQLiteCLI.run(path, "PRAGMA journal_mode;") == "wal")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func pingAnswersWhileOpenAndWritesFailAfterClose() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("nested/dir/gateway.sqlite").path
            let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            try await store.ping()
            try await store.close()
            let error = await #expect(throws: StorageError.self) { try await store.ingest(Fixtures.submission()) }
            #expect(error?.code == .closed)
        }
    }

    @Test func unopenableFileIsUnavailable() async throws {
        try await withTemporaryDirectory { directory in
            // A directory where the database file should be.
            let path = directory.appendingPathComponent("taken").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let error = #expect(throws: StorageError.self) {
                try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            }
            #expect(error?.code == .unavailable)
        }
    }
}
