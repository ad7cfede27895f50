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

    @Test func unrecordedAttemptsStayLeasedAndClaimsPauseUntilOneIsRecorded() async throws {
        let downstream = DownstreamServer(scripts: ["/ok": .status(200)])
        try await downstream.run { base in
            try await withTemporaryDirectory { directory in
                let path = directory.appendingPathComponent("gateway.sqlite").path
                let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path), logger: quietLogger)
                let side = try DatabaseQueue(path: path)
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
                    // Recorded again: claims resume and deliver the rest.
                    let rest = ids.filter { !sent.contains($0) }
                    try await expectEventually(timeout: .seconds(30)) {
                        try await all(rest, in: store, are: .delivered)
                    }
                    return sent
                }
                let requests = downstream.requests(to: "/ok")
                for id in ids {
                    #expect(requests.filter { $0.idempotencyKey == id }.count == 1, "\(id)")
                }
                // Those sent while nothing could be recorded are still due, with the same key,
                // once their lease expires.
                #expect(try await all(Array(sent), in: store, are: .pending))
                try side.close()
                try await store.close()
            }
        }
    }
}
