import GRDB

/// The dispatcher's own read-only connection, for its claims.
///
/// A claim is a short read transaction on the dispatcher's busy path, a thousand or more a
/// second under load. Through the pool of readers each one checked a connection out and back in
/// (a semaphore and two lock round trips) and prepared its `BEGIN` and `COMMIT` anew. Here the
/// one connection is always ready and both statements are prepared once. Claims come from one
/// loop at a time; the connection's queue serializes any others.
final class ClaimReader: Sendable {
    private let queue: DatabaseQueue

    /// Opens the database at `path` read-only (it must exist: the pool's writer made it).
    init(path: String, configuration: Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs `body` in one read transaction on the calling thread.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT").execute()
                return result
            } catch {
                // A read has nothing to undo, but its transaction must end: left open, it would
                // keep every later claim on this snapshot, blind to what was committed since.
                if db.isInsideTransaction { try? db.rollback() }
                throw error
            }
        }
    }

    func close() throws {
        try queue.close()
    }
}
