import ComplaintCore
import Foundation
import Storage

/// `storage:` in gateway.yaml.
public struct StorageSettings: Sendable, Hashable {
    /// Which store runs (`backend`, default `sqlite`; PostgreSQL comes later).
    public enum Backend: String, Sendable, Hashable, CaseIterable { case sqlite }

    public var backend: Backend
    /// `data_dir` (default `./data`, relative to the working directory): database and payload files.
    public var dataDirectory: String
    /// `sqlite.synchronous` (`full` default: durable on power loss; `normal`: only on process crash).
    public var synchronous: SQLiteConfiguration.Synchronous
    /// `sqlite.busy_timeout_ms` (default 5000).
    public var busyTimeoutMilliseconds: Int
    /// `sqlite.group_commit_max_batch` (default 512): most writes sharing one commit.
    public var groupCommitMaxBatch: Int

    public init(
        backend: Backend = .sqlite, dataDirectory: String = "./data",
        synchronous: SQLiteConfiguration.Synchronous = .full,
        busyTimeoutMilliseconds: Int = 5000, groupCommitMaxBatch: Int = 512
    ) {
        self.backend = backend
        self.dataDirectory = dataDirectory
        self.synchronous = synchronous
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.groupCommitMaxBatch = groupCommitMaxBatch
    }

    /// The SQLite store settings for this data directory.
    public var sqlite: SQLiteConfiguration {
        SQLiteConfiguration(
            path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("gateway.sqlite").path,
            synchronous: synchronous, busyTimeout: Double(busyTimeoutMilliseconds) / 1000, maxBatch: groupCommitMaxBatch
        )
    }

    static func read(_ node: ConfigNode) -> StorageSettings {
        node.expectMapping(allowedKeys: ["backend", "data_dir", "sqlite"])
        var settings = StorageSettings()
        settings.backend = node["backend"].oneOf(Backend.self, default: .sqlite)
        settings.dataDirectory = node["data_dir"].string() ?? settings.dataDirectory
        let sqlite = node["sqlite"]
        sqlite.expectMapping(allowedKeys: ["synchronous", "busy_timeout_ms", "group_commit_max_batch"])
        settings.synchronous = sqlite["synchronous"].oneOf(SQLiteConfiguration.Synchronous.self, default: .full)
        if settings.synchronous == .normal {
            sqlite["synchronous"].warning(
                "synchronous: normal can lose the last commits on power loss; use full in production")
        }
        settings.busyTimeoutMilliseconds = sqlite["busy_timeout_ms"].int(default: 5000, in: 0...600_000)
        settings.groupCommitMaxBatch = sqlite["group_commit_max_batch"].int(default: 512, in: 1...100_000)
        return settings
    }
}
