import ComplaintCore
import Foundation
import GRDB
import GatewayTestSupport
import Synchronization
import Testing

@testable import Storage

/// The online copy: one snapshot, taken while writes go on, that opens as a store of its own.
@Suite struct SQLiteBackupTests {
    @Test("a copy taken during writes is one consistent snapshot: every complaint with its outbox row")
    func copyDuringWrites() async throws {
        try await withStore { store, path in
            for index in 0..<300 {
                _ = try await store.ingest(Fixtures.submission(externalID: "SM-before-\(index)", text: "路灯不亮 \(index)"))
            }
            // Writers keep committing while the copy runs, step by step.
            let stop = Atomic(false)
            let writers = Task {
                var index = 0
                while !stop.load(ordering: .relaxed) {
                    _ = try await store.ingest(Fixtures.submission(externalID: "SM-during-\(index)"))
                    index += 1
                }
                return index
            }
            let destination = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent("copy.sqlite").path
            // Small steps, each followed by a pause: commits land between the copy's steps.
            // On a thread of its own, as in the command: the copy blocks, and the writers' task
            // needs the pool's threads meanwhile.
            let (summary, steps) = try await onOwnThread {
                var steps: [(Int, Int)] = []
                let summary = try SQLiteBackup.copy(from: path, to: destination, pagesPerStep: 8) {
                    steps.append(($0, $1))
                    usleep(2_000)
                }
                return (summary, steps)
            }
            stop.store(true, ordering: .relaxed)
            let during = try await writers.value
            #expect(during > 0)

            #expect(summary.complaints >= 300)
            #expect(summary.complaints <= 300 + during)
            // Commits during the copy are not in it: it is the store as of its first step.
            #expect(try await SQLiteCLI.count(path, "complaints") > summary.complaints)
            #expect(summary.uploadIDs.isEmpty)
            #expect(summary.newestIngestedAt != nil)
            #expect(steps.count >= 10)
            #expect(steps.last.map { $0.0 == $0.1 } == true)
            // One self-contained file: no WAL beside it.
            #expect(try await SQLiteCLI.run(destination, "PRAGMA journal_mode;") == "delete")
            #expect(!FileManager.default.fileExists(atPath: destination + "-wal"))
            #expect(try await SQLiteCLI.count(destination, "complaints") == summary.complaints)
            // A transaction is in the copy whole or not at all.
            #expect(try await SQLiteCLI.count(destination, "outbox") == summary.complaints)
            #expect(try await SQLiteCLI.count(destination, "raw_payloads") == summary.complaints)

            // The copy opens as a store, with nothing to migrate, and answers for its complaints.
            let reopened = try SQLiteStore(configuration: SQLiteConfiguration(path: destination))
            #expect(try await reopened.outboxDepth() == summary.complaints)
            try await reopened.close()
        }
    }

    @Test("a copy counts the hotline uploads it records, whose files belong with it")
    func uploadsAreNamed() async throws {
        try await withStore { store, path in
            let raw = RawPayload(
                id: GatewayID.raw(ULIDGenerator.shared.next()), channel: .hotline, adapter: "12345",
                receivedAt: Date(), contentType: "text/csv", headers: [], body: Data())
            try await store.storeUpload(raw, bodyPath: "/data/uploads/\(raw.id).csv", sha256: "00", error: nil)
            let destination = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent("copy.sqlite").path
            let summary = try SQLiteBackup.copy(from: path, to: destination)
            #expect(summary.uploadIDs == [raw.id])
            #expect(summary.complaints == 0)
            #expect(summary.newestIngestedAt == nil)
        }
    }

    @Test("a copy with a pace keeps to it")
    func paced() async throws {
        try await withStore { store, path in
            for index in 0..<200 {
                _ = try await store.ingest(Fixtures.submission(externalID: "SM-\(index)", text: "路灯不亮 \(index)"))
            }
            let pages = try await SQLiteCLI.run(path, "PRAGMA page_count;")
            let pageSize = try await SQLiteCLI.run(path, "PRAGMA page_size;")
            let size = try #require(Int(pages)) * (try #require(Int(pageSize)))
            let destination = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent("copy.sqlite").path
            let started = ContinuousClock.now
            // The whole store at two thirds of its size per second: a second and a half.
            let summary = try await onOwnThread {
                try SQLiteBackup.copy(from: path, to: destination, pace: CopyPace(bytesPerSecond: size * 2 / 3))
            }
            #expect(ContinuousClock.now - started >= .milliseconds(1450))
            #expect(summary.complaints == 200)
        }
    }

    @Test("refuses a missing source, a file that is not a store, and an existing destination")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing.sqlite").path
            let destination = directory.appendingPathComponent("copy.sqlite").path
            let noStore = #expect(throws: StorageError.self) { try SQLiteBackup.copy(from: missing, to: destination) }
            #expect(noStore?.message.contains("no store at") == true)
            #expect(!FileManager.default.fileExists(atPath: missing))

            let other = directory.appendingPathComponent("other.sqlite").path
            try await SQLiteCLI.run(other, "CREATE TABLE t (x);")
            let notStore = #expect(throws: StorageError.self) { try SQLiteBackup.copy(from: other, to: destination) }
            #expect(notStore?.message.contains("is not a complaint store") == true)

            #expect(FileManager.default.createFile(atPath: destination, contents: Data("keep".utf8)))
            let exists = #expect(throws: StorageError.self) { try SQLiteBackup.copy(from: other, to: destination) }
            #expect(exists?.message.contains("already exists") == true)
            #expect(FileManager.default.contents(atPath: destination) == Data("keep".utf8))
        }
    }
}

@Suite("Backup failures say what went wrong")
struct SQLiteBackupFailureTests {
    @Test("a full disk reported as SQLite's \"not an error\" is named by its code")
    func fullDisk() {
        #expect(
            SQLiteBackup.explain(DatabaseError(resultCode: .SQLITE_FULL, message: "not an error"))
                == "the disk is full (SQLITE_FULL)")
        #expect(
            SQLiteBackup.explain(DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error"))
                == "disk I/O error")
    }
}
