import Foundation
import GRDB
import Testing

@testable import Storage

/// Intake inserts bind their values straight through SQLite's C API; what lands in the row must be
/// what GRDB's own binding would have stored, NULL and empty values included.
@Suite struct DirectBindingsTests {
    private static func withTable(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue()
        try queue.inDatabase { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, i INTEGER, d REAL, b BLOB, j TEXT, n TEXT)")
            try body(db)
        }
    }

    @Test func valuesArriveWithTheirTypesAndBytes() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (k, i, d, b, j, n) VALUES (?, ?, ?, ?, ?, ?)")
            let json = Data(#"{"text":"供水管道破裂 💧"}"#.utf8)
            try insert.run("市民 😀 e\u{301}", Int64.max, 2.5, Data([0, 1, 255]), UTF8Text(json), String?.none)
            let row = try #require(try Row.fetchOne(db, sql: "SELECT *, typeof(j) AS tj, typeof(n) AS tn FROM t"))
            #expect(row["k"] as String == "市民 😀 e\u{301}")
            #expect(row["i"] as Int64 == Int64.max)
            #expect(row["d"] as Double == 2.5)
            #expect(row["b"] as Data == Data([0, 1, 255]))
            #expect(row["j"] as String == String(decoding: json, as: UTF8.self))
            #expect(row["tj"] as String == "text")
            #expect(row["tn"] as String == "null")
        }
    }

    @Test func emptyValuesAreEmptyNotNull() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (k, b, j) VALUES (?, ?, ?)")
            try insert.run("", Data(), UTF8Text(Data()))
            let types = try Row.fetchOne(db, sql: "SELECT typeof(k), typeof(b), typeof(j), length(b) FROM t")
            #expect(types?[0] as String? == "text")
            #expect(types?[1] as String? == "blob")
            #expect(types?[2] as String? == "text")
            #expect(types?[3] as Int? == 0)
        }
    }

    @Test func aSubstringBindsOnlyItsOwnBytes() throws {
        try Self.withTable { db in
            // Made from a slice of a longer string: only the slice's bytes belong to it.
            let sliced = String("前缀-工单-后缀".split(separator: "-")[1])
            try db.cachedStatement(sql: "INSERT INTO t (k) VALUES (?)").run(sliced)
            #expect(try String.fetchOne(db, sql: "SELECT k FROM t") == "工单")
        }
    }

    @Test func aFailedInsertThrowsTheConstraintAndTheStatementRunsAgain() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (k, i) VALUES (?, ?)")
            try insert.run("a", 1)
            let error = #expect(throws: DatabaseError.self) { try insert.run("a", 2) }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(error?.message?.contains("UNIQUE") == true)
            try insert.run("b", 3)
            #expect(try Int.fetchOne(db, sql: "SELECT sum(i) FROM t") == 4)
        }
    }
}
