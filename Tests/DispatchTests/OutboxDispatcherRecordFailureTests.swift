import ComplaintCore
import ComplaintDispatch
import Foundation
import GRDB
import GatewayTestSupport
import Storage
import Testing

/// A delivery whose attempt cannot be recorded (a full disk) must not be sent again at once.
@Suite struct OutboxDispatcherRecordFailureTests {
    /// Makes every attempt's commit fail, as SQLite does when the disk is full, until removed.
    private static let failAttempts = """
        CREATE TRIGGER attempts_cannot_be_recorded BEFORE INSERT ON delivery_attempts
        BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
        """

    @Test func unrecordedAttemptsAreNotResentUntilTheLeaseExpiresAndClaimsPause() async throws {
        let downstream = DownstreamServer(scripts: ["/ok": .status(200)])
        try await downstream.run { base in
            try await withTemporaryDirectory { directory in
                let path = directory.appendingPathComponent("gateway.sqlite").path
                let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path), logger: quietLogger)
                let side = try DatabaseQueue(path: path)
                let ids = try await ingest(3, for: "ok", into: store)
                try await side.write { try $0.execute(sql: Self.failAttempts) }
                let settings = OutboxDispatcher.Settings(
                    maxInFlight: 8, pollInterval: .milliseconds(50), leaseDuration: 2)
                let later = try await withDispatcher(
                    store: store, departments: [department("ok", url: "\(base)/ok")], settings: settings
                ) { dispatcher in
                    try await expectEventually { downstream.requests(to: "/ok").count >= 3 }
                    // More complaints while attempts cannot be recorded: claims are paused.
                    let later = try await ingest(2, for: "ok", into: store)
                    dispatcher.notifyNewWork()
                    try await Task.sleep(for: .milliseconds(300))
                    // Each sent once: before, the unrecorded item was pending again at once and
                    // went out hundreds of times a second.
                    #expect(downstream.requests(to: "/ok").count == 3)
                    #expect(try await all(ids + later, in: store, are: .pending))
                    try await side.write { try $0.execute(sql: "DROP TRIGGER attempts_cannot_be_recorded") }
                    // Recovered: the paused claims resume and the leased items go again when
                    // their lease expires, each with the key it had.
                    try await expectEventually(timeout: .seconds(15)) {
                        try await all(ids + later, in: store, are: .delivered)
                    }
                    return later
                }
                let requests = downstream.requests(to: "/ok")
                #expect(Set(requests.map(\.idempotencyKey)) == Set(ids + later))
                #expect(requests.count <= 8, "\(requests.count) requests for 5 complaints")
                for id in later { #expect(requests.filter { $0.idempotencyKey == id }.count == 1) }
                try side.close()
                try await store.close()
            }
        }
    }
}
