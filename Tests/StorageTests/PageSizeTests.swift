import Foundation
import Storage
import Testing

/// A new database gets 8 KiB pages; one made with SQLite's default 4 KiB keeps them and is
/// written, checkpointed and read as before.
@Suite struct PageSizeTests {
    @Test func aNewDatabaseHasEightKiBPages() async throws {
        try await withStore { store, path in
            _ = try await Fixtures.ingestOne(into: store)
            #expect(try await SQLiteCLI.run(path, "PRAGMA page_size;") == "8192")
        }
    }

    @Test func anOlderDatabaseKeepsItsPagesAndIsCheckpointed() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            // What a store made before 8 KiB pages looks like on disk: a WAL database of 4 KiB pages.
            try await SQLiteCLI.run(path, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t(x);")
            let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            // 16 KiB raw bodies: about 8 MB of log, past the 4 MiB that starts a background copy.
            for index in 0..<500 {
                _ = try await store.ingest(
                    Fixtures.submission(externalID: "P-\(index)", body: Data(count: 16 * 1024)))
            }
            let deadline = ContinuousClock.now + .seconds(30)
            var size = 0
            while ContinuousClock.now < deadline {
                size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
                if size > 4 << 20 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(size > 4 << 20, "the background copy never grew the database file")
            try await store.close()
            #expect(try await SQLiteCLI.run(path, "PRAGMA page_size;") == "4096")
            #expect(try await SQLiteCLI.count(path, "complaints") == 500)
        }
    }
}
