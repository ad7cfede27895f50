import Storage
import Synchronization

/// Gathers finished attempts so that those finishing close together are recorded in one store
/// write.
///
/// At most one writer at a time: the first attempt to finish while none is writing becomes the
/// writer and records everything gathered, then whatever gathered during that write, until
/// nothing is left. The others hand their result over and return. No result waits for a timer:
/// a batch is simply what finished while the previous one was being committed.
final class AttemptBatcher: Sendable {
    private struct State {
        var pending: [AttemptResult] = []
        var writing = false

        mutating func take() -> [AttemptResult] {
            let batch = pending
            pending = []
            pending.reserveCapacity(batch.count)
            return batch
        }
    }

    private let state = Mutex(State())

    /// Hands `result` over. Returns the batch the caller must now record (it became the writer,
    /// and must call ``next()`` after each batch), or nil when a writer will record it.
    func add(_ result: AttemptResult) -> [AttemptResult]? {
        state.withLock { state in
            state.pending.append(result)
            guard !state.writing else { return nil }
            state.writing = true
            return state.take()
        }
    }

    /// For the writer, after recording a batch: the next batch, or nil (the writer is done; the
    /// next result to arrive makes a new writer).
    func next() -> [AttemptResult]? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.writing = false
                return nil
            }
            return state.take()
        }
    }
}
