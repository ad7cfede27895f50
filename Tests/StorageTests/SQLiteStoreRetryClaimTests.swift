import ComplaintCore
import Foundation
import Storage
import Testing

/// An item scheduled for retry is handed out again once its time has come.
@Suite struct SQLiteStoreRetryClaimTests {
    @Test func retryBecomesClaimableAtItsTime() async throws {
        try await withStore { store, _ in
            let id = try await Fixtures.ingestOne(into: store)
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).count == 1)
            let retryAt = SQLiteStoreOutboxTests.milliseconds(Date().addingTimeInterval(120))
            try await store.recordDelivery(
                complaintID: id, attempt: Fixtures.attempt(1, status: 503, outcome: "retry", error: "HTTP 503"),
                resolution: .retry(at: retryAt))

            let claimed = try await store.claimDueDeliveries(
                limit: 10, now: retryAt.addingTimeInterval(1), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == [id])
            #expect(claimed.first?.attempts == 1)
        }
    }

    @Test func retryDueAtOnceIsClaimableAtOnce() async throws {
        try await withStore { store, _ in
            let id = try await Fixtures.ingestOne(into: store)
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).count == 1)
            try await store.recordDelivery(
                complaintID: id,
                attempt: Fixtures.attempt(1, status: nil, outcome: "retry", error: "connection refused"),
                resolution: .retry(at: Date()))
            let claimed = try await store.claimDueDeliveries(
                limit: 10, now: Date().addingTimeInterval(1), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == [id])
        }
    }
}
