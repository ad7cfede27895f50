import ComplaintCore
import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import Storage

/// The duplicate check runs on every SMS webhook, email and re-imported hotline row; a statement SQLite
/// compiles again on each run costs more than the lookup itself.
@Suite struct NaturalKeyQueryTests {
    @Test func eachChannelsLookupIsCompiledOnceWhateverItIsBoundTo() async throws {
        try await withStore { _, path in
            let queue = try DatabaseQueue(path: path)
            try await queue.read { db in
                for channel in Channel.allCases {
                    let statement = try db.cachedStatement(sql: NaturalKeyQuery.sql(selecting: "id", channel: channel))
                    for number in 0..<5 {
                        let found = try String.fetchOne(
                            statement, arguments: ["adapter-\(number)", "external-\(number)"])
                        #expect(found == nil)
                    }
                    // SQLITE_STMTSTATUS_REPREPARE: times SQLite compiled the statement again before a run.
                    #expect(sqlite3_stmt_status(statement.sqliteStatement, 5, 0) == 0, "channel \(channel)")
                }
            }
        }
    }

    @Test func theLookupFindsOnlyItsOwnChannel() async throws {
        try await withStore { store, path in
            let email = Fixtures.submission(channel: .email, adapter: "imap", externalID: "<m1@example.org>")
            guard case .created(let id, _) = try await store.ingest(email) else {
                Issue.record("not created")
                return
            }
            let queue = try DatabaseQueue(path: path)
            try await queue.read { db in
                let arguments: StatementArguments = ["imap", "<m1@example.org>"]
                let sqlEmail = NaturalKeyQuery.sql(selecting: "id", channel: .email)
                let sqlSMS = NaturalKeyQuery.sql(selecting: "id", channel: .sms)
                let inEmail = try String.fetchOne(db.cachedStatement(sql: sqlEmail), arguments: arguments)
                let inSMS = try String.fetchOne(db.cachedStatement(sql: sqlSMS), arguments: arguments)
                #expect(inEmail == id)
                #expect(inSMS == nil)
            }
        }
    }
}
