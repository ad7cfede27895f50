import Foundation
import GRDB
import GRDBSQLite

/// A value that binds itself straight to a parameter of a prepared SQLite statement.
protocol SQLiteParameter {
    /// Binds `self` to parameter `index` (1-based) of `statement`; returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

/// SQLite copies the bytes during the bind call, so the value need not outlive it.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension String: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        if let code = utf8.withContiguousStorageIfAvailable({ Self.bindText($0, statement, index) }) { return code }
        var copy = self
        return copy.withUTF8 { Self.bindText($0, statement, index) }
    }

    private static func bindText(_ bytes: UnsafeBufferPointer<UInt8>, _ statement: OpaquePointer, _ index: Int32)
        -> Int32
    {
        // An empty buffer may have no address; a null pointer would bind NULL instead of ''.
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return sqlite3_bind_text(statement, index, "", 0, transient)
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(statement, index, $0, Int32(bytes.count), transient)
        }
    }
}

/// UTF-8 bytes bound as TEXT (a JSON document kept as bytes), without making a String of them first.
struct UTF8Text: SQLiteParameter {
    let bytes: Data

    init(_ bytes: Data) { self.bytes = bytes }

    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else {
                return sqlite3_bind_text(statement, index, "", 0, transient)
            }
            return sqlite3_bind_text(
                statement, index, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), transient)
        }
    }
}

extension Int64: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Double: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_double(statement, index, self) }
}

extension Data: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(statement, index, 0)
            }
            return sqlite3_bind_blob(statement, index, base, Int32(bytes.count), transient)
        }
    }
}

extension Optional: SQLiteParameter where Wrapped: SQLiteParameter {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}

extension Statement {
    /// Executes this statement, which returns no rows, with `values` bound by position straight
    /// through SQLite's C API.
    ///
    /// `execute(arguments:)` boxes every argument into a `DatabaseValue` and builds arrays for each
    /// execution; on the intake paths that cost more CPU than SQLite's own insert. This skips GRDB's
    /// per-statement bookkeeping, which only matters for statements that open or close transactions
    /// or are observed: use it for inserts and updates inside a transaction GRDB began.
    func run<each Value: SQLiteParameter>(_ values: repeat each Value) throws {
        let handle = sqliteStatement
        var code = bind(repeat each values)
        if code == SQLITE_OK { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else { throw failure(code) }
        sqlite3_reset(handle)
    }

    /// The error for a bind or step that returned `code`, with SQLite's message (read before the
    /// statement is reset, which can replace it); leaves the statement reset and unbound.
    func failure(_ code: Int32) -> DatabaseError {
        let handle = sqliteStatement
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
