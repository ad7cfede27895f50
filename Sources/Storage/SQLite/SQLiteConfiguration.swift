import Foundation

/// Settings of the embedded SQLite store (`storage.sqlite` in gateway.yaml).
public struct SQLiteConfiguration: Sendable, Hashable {
    /// How hard SQLite works to survive power loss (`synchronous`, default `full`).
    public enum Synchronous: String, Sendable, Hashable, CaseIterable {
        /// fsync the WAL at every commit: a committed complaint survives power loss. The default.
        case full
        /// fsync only at checkpoints: survives a crash of the process, but the last commits
        /// can be lost on power loss. Faster; only for disposable data.
        case normal
    }

    /// The database file (`<data_dir>/gateway.sqlite`).
    public var path: String
    public var synchronous: Synchronous
    /// How long a writer waits for a lock held by another process (`busy_timeout_ms`, default 5000).
    public var busyTimeout: TimeInterval
    /// Most writes committed in one transaction (`group_commit_max_batch`, default 512).
    public var maxBatch: Int

    public init(path: String, synchronous: Synchronous = .full, busyTimeout: TimeInterval = 5, maxBatch: Int = 512) {
        self.path = path
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.maxBatch = maxBatch
    }
}
