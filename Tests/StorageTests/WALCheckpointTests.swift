import ComplaintCore
import Foundation
import Testing

@testable import Storage

/// The write-ahead log is copied into the database file off the commit path, stays bounded under
/// sustained writes, and is gone (its content in the database) after the store closes.
@Suite struct WALCheckpointTests {
    /// Submissions with 16 KiB raw bodies: four pages of log each.
    private static func write(_ count: Int, to store: SQLiteStore) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let body = Data(repeating: UInt8(ascii: "a") + UInt8(index % 26), count: 16 * 1024)
                    _ = try await store.ingest(Fixtures.submission(body: body))
                }
                if index >= 32 { try await group.next() }
            }
            try await group.waitForAll()
        }
    }

    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    @Test func theLogIsCopiedInTheBackgroundAndStaysBounded() async throws {
        try await withStore { store, path in
            let initial = Self.size(path)
            // About 2,500 pages: past the background threshold, below the writer's own limit.
            try await Self.write(600, to: store)
            // Only the background copy can have grown the database file: the writer copies at 8,000 pages.
            let deadline = ContinuousClock.now + .seconds(30)
            while Self.size(path) < initial + 2 * 1024 * 1024 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(Self.size(path) >= initial + 2 * 1024 * 1024)
            // Sustained writes (about 40 MB of log) never let the log grow far past the writer's limit.
            var largest = 0
            for _ in 0..<5 {
                try await Self.write(500, to: store)
                largest = max(largest, Self.size(path + "-wal"))
            }
            let pageSize = 4096
            #expect(largest <= Int(WALCheckpointer.writerPages + 1000) * (pageSize + 24))
            #expect(try await store.listComplaints(ComplaintQuery(limit: 1)).items.count == 1)
        }
    }

    @Test func closingLeavesEverythingInTheDatabaseFileAndNoLog() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            try await Self.write(300, to: store)
            try await store.close()
            #expect(!FileManager.default.fileExists(atPath: path + "-wal") || Self.size(path + "-wal") == 0)
            let reopened = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            #expect(try await reopened.outboxDepth() == 300)
            try await reopened.close()
        }
    }
}
