import Foundation
import Synchronization

/// When the earliest scheduled retry is due, known without asking the store on every idle wait.
///
/// The dispatcher sleeps until then (at most one poll interval) whenever nothing is in flight,
/// which under a trickle of intake is after nearly every claim. The store's answer is kept for
/// a poll interval; retries this process schedules meanwhile are noted here as they are
/// decided. New work wakes the dispatcher by signal, and the poll interval bounds anything
/// else (a replay from the command line, a store written by another process), as before.
final class NextDueCache: Sendable {
    private struct State {
        var stored: Date?
        var askedAt: Date?
        var scheduled: Date?
    }

    private let state = Mutex(State())
    private let maxAge: TimeInterval

    init(maxAge: TimeInterval) {
        self.maxAge = maxAge
    }

    /// Notes a retry scheduled by this process.
    func scheduled(_ at: Date) {
        state.withLock { $0.scheduled = min($0.scheduled ?? at, at) }
    }

    /// The earliest known due time. Asks `store` when the last answer is older than the maximum
    /// age, or when a known time has come (what was due may have been claimed since).
    func next(now: Date, ask store: () async -> Date?) async -> Date? {
        let cached = state.withLock { state -> Date?? in
            let known = [state.stored, state.scheduled].compactMap { $0 }
            guard let askedAt = state.askedAt, now.timeIntervalSince(askedAt) < maxAge,
                !known.contains(where: { $0 <= now })
            else { return .none }
            return .some(known.min())
        }
        if let cached { return cached }
        let answer = await store()
        return state.withLock { state in
            state.stored = answer
            state.askedAt = now
            if let scheduled = state.scheduled, scheduled <= now { state.scheduled = nil }
            return [state.stored, state.scheduled].compactMap { $0 }.min()
        }
    }
}
