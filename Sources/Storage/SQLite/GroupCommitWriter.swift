import Dispatch
import Foundation
import GRDB
import Synchronization

/// Runs writes from many concurrent callers in shared transactions: one fsync for a batch.
///
/// With `synchronous=FULL` every commit costs an fsync (a few thousand per second at best), so
/// committing each request on its own caps throughput. Callers enqueue an operation and wait;
/// a single drain loop takes everything queued, runs each operation in its own savepoint inside
/// one transaction, commits, and only then resumes the callers. No caller hears "done" before
/// the commit that holds its write. While one batch commits the next one gathers, so batching
/// adds no idle wait under light load.
///
/// Bulk operations (a hotline upload's batches of a few thousand rows) wait in a lane of their
/// own and commit one per transaction; when both lanes wait, transactions alternate between them.
/// A request arriving during an upload then waits at most for the transaction already running,
/// not for every batch queued ahead of it nor for one in its own transaction, and the upload
/// still gets every other transaction however many requests arrive.
final class GroupCommitWriter: Sendable {
    /// Which queue an operation waits in.
    enum Lane {
        /// A request's or a delivery's write: goes into the next transaction.
        case interactive
        /// One of an upload's batches: alone in its transaction, in the order queued.
        case bulk
    }

    private struct Operation {
        /// Runs inside the batch transaction; returns what to do once the commit succeeded.
        let run: @Sendable (Database) -> (@Sendable () -> Void)
        /// Answers the caller when the batch did not commit.
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var queue: [Operation] = []
        var bulk: [Operation] = []
        /// Whether a waiting bulk operation goes next, even with interactive ones waiting.
        var bulkTurn = false
        var draining = false
        var closed = false
    }

    private let pool: DatabasePool
    private let maxBatch: Int
    private let state = Mutex(State())
    /// When the last commit failed and why; cleared by the next one that succeeds.
    let lastFailure = Mutex<(at: Date, message: String)?>(nil)
    private let drainQueue = DispatchQueue(label: "complaint-gateway.group-commit")
    /// Called after each commit with the batch size and commit duration, for metrics.
    private let observer: @Sendable (Int, TimeInterval) -> Void
    /// Takes the log copies off the commits; held here because only this writer commits.
    private let checkpointer: WALCheckpointer

    init(
        pool: DatabasePool, maxBatch: Int, checkpointer: WALCheckpointer,
        observer: @escaping @Sendable (Int, TimeInterval) -> Void
    ) {
        self.pool = pool
        self.maxBatch = maxBatch
        self.checkpointer = checkpointer
        self.observer = observer
        pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
    }

    /// Runs `body` in the next batch transaction and returns its result once that transaction committed.
    ///
    /// If `body` throws, only its own savepoint is rolled back; the error is returned to this caller.
    /// If the commit fails, every caller in the batch gets the error and nothing of the batch is kept.
    func write<T: Sendable>(lane: Lane = .interactive, _ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let operation = Operation(
                run: { db in
                    let result: Result<T, any Error>
                    do {
                        result = .success(try Self.inSavepoint(db) { try body(db) })
                    } catch {
                        result = .failure(error)
                    }
                    return { continuation.resume(with: result) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let (accepted, startDrain) = state.withLock { state -> (Bool, Bool) in
                if state.closed { return (false, false) }
                switch lane {
                case .interactive: state.queue.append(operation)
                case .bulk: state.bulk.append(operation)
                }
                if state.draining { return (true, false) }
                state.draining = true
                return (true, true)
            }
            guard accepted else {
                continuation.resume(throwing: StorageError(.closed, "the store is closed"))
                return
            }
            if startDrain { drainQueue.async { self.drain() } }
        }
    }

    /// Runs `body` in a savepoint of the batch transaction: when it throws, only its own writes are undone.
    ///
    /// The savepoint statements come from the statement cache. GRDB's `inSavepoint` compiles them again
    /// for every operation, which was a visible share of each request's cost.
    private static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT operation").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // The caller hears its own error. If SQLite aborted the whole transaction (disk full, I/O
            // error) these fail too, and GRDB refuses every later statement of the batch with
            // SQLITE_ABORT, so nothing runs outside the transaction and the batch fails as a whole.
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT operation").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
            throw error
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
        return value
    }

    /// Operations waiting for a transaction, in both lanes.
    var queued: Int { state.withLock { $0.queue.count + $0.bulk.count } }

    /// Refuses new writes and waits until everything queued has committed.
    func close() async {
        state.withLock { $0.closed = true }
        while state.withLock({ $0.draining }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func drain() {
        while true {
            let batch: [Operation] = state.withLock { state in
                if state.queue.isEmpty && state.bulk.isEmpty {
                    state.draining = false
                    return []
                }
                // A bulk operation commits alone, so that interactive ones never wait for one in
                // their own transaction; when both lanes wait they take turns, so that a steady
                // stream of requests cannot hold an upload back either.
                if !state.bulk.isEmpty && (state.queue.isEmpty || state.bulkTurn) {
                    state.bulkTurn = false
                    return [state.bulk.removeFirst()]
                }
                state.bulkTurn = true
                let count = min(maxBatch, state.queue.count)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [Operation]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var completions: [@Sendable () -> Void] = []
        completions.reserveCapacity(batch.count)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for operation in batch { completions.append(operation.run(db)) }
                    return .commit
                }
            }
        } catch {
            // Nothing of the batch was kept: every caller hears the failure, none a success.
            let failure = StorageError.writeFailed(error)
            lastFailure.withLock { $0 = (Date(), failure.message) }
            for operation in batch { operation.fail(failure) }
            return
        }
        lastFailure.withLock { $0 = nil }
        observer(batch.count, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        for completion in completions { completion() }
    }
}
