import Synchronization

/// Lets producers wake the dispatcher early (a complaint was committed) instead of waiting for its poll.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or makes the next wait return at once.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a signal (or one that came since the last wait), after `timeout`, or on cancellation.
    func wait(timeout: Duration) async {
        let timer = Task { [weak self] in
            // A cancelled timer must not signal: that would wake the next wait at once (a busy loop).
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.signal()
        }
        defer { timer.cancel() }
        await wait()
    }

    /// Returns on a signal (or one that came since the last wait), or on cancellation. No timer:
    /// for callers that know a signal will come.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.signal()
        }
        state.withLock { $0.pending = false }
    }
}
