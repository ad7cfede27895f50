import ComplaintCore
import Foundation
import Storage
import Testing

/// Several attempts recorded in one write: each keeps its own resolution, events and claim release.
@Suite struct SQLiteStoreBatchRecordTests {
    @Test func eachResultOfABatchIsRecordedWithItsOwnResolution() async throws {
        try await withStore { store, _ in
            var ids: [String] = []
            for _ in 0..<3 {
                let submission = Fixtures.submission()
                _ = try await store.ingest(submission)
                ids.append(submission.record.id)
            }
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).count == 3)
            let retryAt = SQLiteStoreOutboxTests.milliseconds(Date().addingTimeInterval(120))
            try await store.recordDeliveries([
                AttemptResult(
                    complaintID: ids[0], attempt: Fixtures.attempt(1, status: 200, outcome: "delivered"),
                    resolution: .delivered),
                AttemptResult(
                    complaintID: ids[1], attempt: Fixtures.attempt(1, status: 404, outcome: "dead", error: "HTTP 404"),
                    resolution: .dead),
                AttemptResult(
                    complaintID: ids[2], attempt: Fixtures.attempt(1, status: 503, outcome: "retry", error: "HTTP 503"),
                    resolution: .retry(at: retryAt)),
            ])

            let delivered = try #require(try await store.complaint(id: ids[0]))
            #expect(delivered.state == .delivered)
            #expect(delivered.events.map(\.type) == ["accepted", "delivered"])
            #expect(delivered.deliveries.map(\.statusCode) == [200])
            let dead = try #require(try await store.complaint(id: ids[1]))
            #expect(dead.state == .dead)
            #expect(dead.events.map(\.type) == ["accepted", "dead_lettered"])
            let retried = try #require(try await store.complaint(id: ids[2]))
            #expect(retried.state == .pending)
            #expect(retried.events.map(\.type) == ["accepted", "retry_scheduled"])
            #expect(retried.deliveries.map(\.error) == ["HTTP 503"])
            #expect(try await store.outboxDepth() == 1)
            // The claims were released: the retry is handed out again at its time, once.
            #expect(try await store.nextDueTime() == retryAt)
            let again = try await store.claimDueDeliveries(
                limit: 10, now: retryAt.addingTimeInterval(1), leaseDuration: 60)
            #expect(again.map(\.complaintID) == [ids[2]])
            #expect(again.first?.attempts == 1)
        }
    }

    @Test func anEmptyBatchWritesNothing() async throws {
        try await withStore { store, _ in
            try await store.recordDeliveries([])
            #expect(try await store.outboxDepth() == 0)
        }
    }

    @Test func aReleasedClaimIsHandedOutAgainUnattempted() async throws {
        try await withStore { store, _ in
            let id = try await Fixtures.ingestOne(into: store)
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 600).count == 1)
            // Held by its lease until given back.
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 600).isEmpty)
            store.releaseClaims([id])
            let again = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 600)
            #expect(again.map(\.complaintID) == [id])
            #expect(again.first?.attempts == 0)
            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.state == .pending)
            #expect(stored.deliveries.isEmpty)
        }
    }
}
