import ComplaintCore
import ComplaintDispatch
import Foundation
import GRDB
import GatewayTestSupport
import Storage
import Testing

/// A delivery whose attempt cannot be recorded (a full disk) must not be sent again at once.
@Suite struct OutboxDispatcherRecordFailureTests {
    /// Makes every attempt's commit fail, as SQLite does when the disk is full, until dropped.
    private static let failAttempts = """
        CREATE TRIGGER attempts_cannot_be_recorded BEFORE INSERT ON delivery_attempts
        BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
        """

    @Test func unrecordedAttemptsStayClaimedAndClaimsPauseUntilOneIsRecordedThenTheyGoAgain() async throws {
        let downstream = DownstreamServer(scripts: ["/ok": .status(200)])
        try await downstream.run { base in
            try await withTemporaryDirectory { directory in
                let path = directory.appendingPathComponent("gateway.sqlite").path
                let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path), logger: quietLogger)
                // Waits for the dispatcher's own commits instead of failing at once with "database is locked".
                var waiting = Configuration()
                waiting.busyMode = .timeout(10)
                let side = try DatabaseQueue(path: path, configuration: waiting)
                let ids = try await ingest(100, for: "ok", into: store)
                try await side.write { try $0.execute(sql: Self.failAttempts) }
                // The department takes 4 at a time; the lease outlasts the test.
                let settings = OutboxDispatcher.Settings(
                    maxInFlight: 8, pollInterval: .milliseconds(50), leaseDuration: 600)
                let sent = try await withDispatcher(
                    store: store, departments: [department("ok", url: "\(base)/ok")], settings: settings
                ) { _ in
                    try await expectEventually { !downstream.requests(to: "/ok").isEmpty }
                    try await Task.sleep(for: .milliseconds(1_500))
                    let requests = downstream.requests(to: "/ok")
                    let sent = Set(requests.compactMap(\.idempotencyKey))
                    // None sent twice (each stays leased), and far from all: after the first
                    // attempt that cannot be recorded, claims pause a second, then two. Before,
                    // all 100 went out at once, and each again and again.
                    #expect(requests.count == sent.count, "\(requests.count) requests for \(sent.count) complaints")
                    #expect(requests.count < 50, "\(requests.count) requests while attempts cannot be recorded")
                    try await side.write { try $0.execute(sql: "DROP TRIGGER attempts_cannot_be_recorded") }
                    // Recorded again: claims resume, and those whose attempts were lost are sent
                    // once more, long before their lease (600 s) would have let them go.
                    try await expectEventually(timeout: .seconds(30)) {
                        try await all(ids, in: store, are: .delivered)
                    }
                    return sent
                }
                let requests = downstream.requests(to: "/ok")
                // Those whose attempt could not be recorded go twice, the others once. (Which is
                // which for the requests in flight when the failure ends depends on timing.)
                var twice = 0
                for id in ids {
                    let count = requests.filter { $0.idempotencyKey == id }.count
                    #expect((1...2).contains(count), "\(id): \(count)")
                    if count == 2 { twice += 1 }
                }
                #expect(twice > 0 && twice <= sent.count + 8, "\(twice) sent twice, \(sent.count) seen")
                for id in sent {
                    let stored = try #require(try await store.complaint(id: id))
                    #expect(stored.deliveries.map(\.outcome) == ["delivered"])
                }
                try side.close()
                try await store.close()
            }
        }
    }
}
