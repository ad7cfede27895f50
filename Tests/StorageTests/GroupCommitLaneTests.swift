import Foundation
import Synchronization
import Testing

@testable import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// An upload's batches wait in a lane of their own: a request's write queued behind them does not
/// wait for all of them, and the batches still commit in the order queued.
@Suite struct GroupCommitLaneTests {
    /// What the writes saw, shared with them.
    final class Log<Entry: Sendable>: Sendable {
        let order = Mutex<[Entry]>([])
        /// Set to let the writes that wait for it go on (or stop).
        let release = Mutex(false)
        func append(_ entry: Entry) { order.withLock { $0.append(entry) } }
        var entries: [Entry] { order.withLock { $0 } }
    }

    @Test func aRequestQueuedBehindUploadBatchesDoesNotWaitForAllOfThem() async throws {
        try await withStore { store, _ in
            let log = Log<String>()
            // Holds the writer in a transaction until the other writes are queued.
            let holding = Task {
                try await store.write { _ in
                    log.append("running")
                    while !log.release.withLock({ $0 }) { usleep(1_000) }
                }
            }
            while log.entries.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            let queued: [(String, GroupCommitWriter.Lane)] = [
                ("batch 1", .bulk), ("batch 2", .bulk), ("request", .interactive),
            ]
            var writes: [Task<Void, any Error>] = []
            for (name, lane) in queued {
                writes.append(Task { try await store.write(lane: lane) { _ in log.append(name) } })
                // One at a time, so that the queue's order is the order above.
                while store.writer.queued < writes.count { try await Task.sleep(for: .milliseconds(5)) }
            }
            log.release.withLock { $0 = true }
            try await holding.value
            for write in writes { try await write.value }
            // The request overtakes the second batch, not the first: after an interactive
            // transaction a waiting batch has its turn, so requests that keep coming (always one
            // waiting) cannot hold an upload back.
            #expect(log.entries == ["running", "batch 1", "request", "batch 2"])
        }
    }

    @Test func uploadBatchesAloneCommitInTheOrderQueued() async throws {
        try await withStore { store, _ in
            let log = Log<Int>()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { try await store.write(lane: .bulk) { _ in log.append(index) } }
                    // Queued (or already written) before the next one is.
                    while store.writer.queued + log.entries.count < index + 1 {
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
                try await group.waitForAll()
            }
            #expect(log.entries == Array(0..<20))
        }
    }
}
