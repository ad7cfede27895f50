import Foundation
import GRDB
import GRDBSQLite

/// The current row of a statement being stepped by ``GRDB/Statement/readRows(_:row:)``: columns
/// read by index straight through SQLite's C API.
struct DirectRow {
    fileprivate let handle: OpaquePointer

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    /// TEXT as a String (NULL reads as "").
    func string(_ column: Int32) -> String {
        // SQLite's rule: ask for the bytes first, then their count.
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// TEXT as a String, nil for NULL.
    func optionalString(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : string(column)
    }

    /// BLOB (or TEXT) bytes as Data (NULL reads as empty).
    func data(_ column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }
}

extension Statement {
    /// Runs this query with `values` bound by position and maps every row with `row`, reading its
    /// columns by index straight through SQLite's C API.
    ///
    /// `Row.fetchAll` copies each row into boxed `DatabaseValue`s and looks columns up by
    /// case-insensitive name; on the dispatcher's claim path that cost more than SQLite's own
    /// index walk. Like ``run(_:)``, it skips GRDB's per-statement bookkeeping: use it for plain
    /// reads inside a transaction or read GRDB opened.
    func readRows<T, each Value: SQLiteParameter>(_ values: repeat each Value, row: (DirectRow) throws -> T)
        throws -> [T]
    {
        let handle = sqliteStatement
        defer { sqlite3_reset(handle) }
        var code = bind(repeat each values)
        var rows: [T] = []
        while code == SQLITE_OK || code == SQLITE_ROW {
            code = sqlite3_step(handle)
            guard code == SQLITE_ROW else { break }
            rows.append(try row(DirectRow(handle: handle)))
        }
        guard code == SQLITE_DONE else { throw failure(code) }
        return rows
    }

    /// Runs this query with `values` bound by position and calls `row` for each row until it
    /// returns false: a scan that knows when it has enough stops there instead of stepping
    /// through the rest.
    func forEachRow<each Value: SQLiteParameter>(_ values: repeat each Value, row: (DirectRow) throws -> Bool)
        throws
    {
        let handle = sqliteStatement
        defer { sqlite3_reset(handle) }
        var code = bind(repeat each values)
        while code == SQLITE_OK || code == SQLITE_ROW {
            code = sqlite3_step(handle)
            guard code == SQLITE_ROW else { break }
            if try !row(DirectRow(handle: handle)) { return }
        }
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Resets this statement and binds `values` by position; returns the first failing result code,
    /// or `SQLITE_OK`.
    func bind<each Value: SQLiteParameter>(_ values: repeat each Value) -> Int32 {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        var index: Int32 = 0
        var code = SQLITE_OK
        for value in repeat each values {
            index += 1
            if code == SQLITE_OK { code = value.bind(to: handle, at: index) }
        }
        precondition(index == sqlite3_bind_parameter_count(handle), "\(index) values for the parameters of \(sql)")
        return code
    }
}
