import Synchronization

/// The UID whose fetch failed on the last polls, and how many polls in a row.
///
/// Kept in memory: after a restart the count starts again, which only delays the skip.
final class FetchFailureStreak: Sendable {
    private let state = Mutex<(uid: UInt64, count: Int)?>(nil)

    /// Counts a failed fetch of `uid`; returns the polls in a row it has failed.
    func record(_ uid: UInt64) -> Int {
        state.withLock { state in
            let count = state?.uid == uid ? state!.count + 1 : 1
            state = (uid, count)
            return count
        }
    }

    func clear() { state.withLock { $0 = nil } }
}
