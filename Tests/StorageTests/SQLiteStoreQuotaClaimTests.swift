import ComplaintCore
import Foundation
import Storage
import Testing

/// Claims with per-department quotas and one overall limit.
@Suite struct SQLiteStoreQuotaClaimTests {
    private func ingest(_ store: SQLiteStore, department: String, count: Int) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<count {
            let submission = Fixtures.submission(department: department)
            _ = try await store.ingest(submission)
            ids.append(submission.record.id)
        }
        return ids
    }

    /// A department listed first with nothing due leaves the whole limit to the next one: an idle
    /// department must not turn a claim into an empty one while others wait.
    @Test func anIdleDepartmentLeavesItsShareToTheNext() async throws {
        try await withStore { store, _ in
            let queued = try await ingest(store, department: "water", count: 8)
            let claimed = try await store.claimDueDeliveries(
                quotas: [
                    DepartmentQuota(department: "parks", quota: 5), DepartmentQuota(department: "water", quota: 5),
                ],
                limit: 5, now: Date(), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == Array(queued.prefix(5)))
        }
    }

    /// Each department gets at most its quota, all together at most the limit, first listed first.
    @Test func quotasAndTheLimitBothHold() async throws {
        try await withStore { store, _ in
            let water = try await ingest(store, department: "water", count: 4)
            let parks = try await ingest(store, department: "parks", count: 4)
            let transport = try await ingest(store, department: "transport", count: 4)
            let claimed = try await store.claimDueDeliveries(
                quotas: [
                    DepartmentQuota(department: "parks", quota: 2), DepartmentQuota(department: "water", quota: 3),
                    DepartmentQuota(department: "transport", quota: 4),
                ],
                limit: 7, now: Date(), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == Array(parks.prefix(2)) + Array(water.prefix(3)) + transport.prefix(2))
            // Departments not listed are held, and what is leased is not handed out twice.
            let again = try await store.claimDueDeliveries(
                quotas: [DepartmentQuota(department: "water", quota: 10)], limit: 10, now: Date(), leaseDuration: 60)
            #expect(again.map(\.complaintID) == [water[3]])
        }
    }

    /// Items out with the dispatcher stay pending in the outbox and come first in every scan: a
    /// claim steps over them, fills each department's quota from what follows, and stops once the
    /// limit is reached.
    @Test func itemsOutAreSteppedOverAndTheLimitEndsTheScan() async throws {
        try await withStore { store, _ in
            let water = try await ingest(store, department: "water", count: 6)
            let parks = try await ingest(store, department: "parks", count: 4)
            let out = try await store.claimDueDeliveries(
                quotas: [DepartmentQuota(department: "water", quota: 3)], limit: 3, now: Date(), leaseDuration: 60)
            #expect(out.map(\.complaintID) == Array(water.prefix(3)))
            let next = try await store.claimDueDeliveries(
                quotas: [
                    DepartmentQuota(department: "water", quota: 3), DepartmentQuota(department: "parks", quota: 3),
                ],
                limit: 4, now: Date(), leaseDuration: 60)
            #expect(next.map(\.complaintID) == Array(water.suffix(3)) + [parks[0]])
            let last = try await store.claimDueDeliveries(
                quotas: [
                    DepartmentQuota(department: "water", quota: 5), DepartmentQuota(department: "parks", quota: 5),
                ],
                limit: 2, now: Date(), leaseDuration: 60)
            #expect(last.map(\.complaintID) == [parks[1], parks[2]])
        }
    }
}
