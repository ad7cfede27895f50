import GRDB

/// Why the store could not do what was asked. `code` is stable, usable as a metric label.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The database could not be opened or migrated.
        case unavailable
        /// A write failed (disk full, I/O error, constraint); nothing from it was kept.
        case writeFailed = "write_failed"
        /// A read failed.
        case readFailed = "read_failed"
        /// Stored data could not be decoded.
        case corrupt
        /// The store is closed.
        case closed
        /// A payload being processed again from quarantine is no longer there (taken meanwhile).
        case notQuarantined = "not_quarantined"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "storage \(code.rawValue): \(message)" }
}

extension StorageError {
    /// A failed write as the store reports it: SQLite's code and words (`SQLite error 13: database
    /// or disk is full`), without the statement that was running, which says nothing an operator
    /// can act on and would put the schema in every answer and log line that quotes the error.
    static func writeFailed(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        guard let error = error as? DatabaseError else { return StorageError(.writeFailed, "\(error)") }
        let words = error.message ?? "\(error.resultCode)"
        return StorageError(.writeFailed, "SQLite error \(error.resultCode.rawValue): \(words)")
    }
}
