import ComplaintCore
import Foundation
import Storage
import Testing

/// The outbox: claiming due items, recording attempts and their resolutions.
@Suite struct SQLiteStoreOutboxTests {
    /// A millisecond-exact date: the outbox stores Unix milliseconds.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    private func ingest(_ store: SQLiteStore, _ count: Int) async throws -> [IntakeSubmission] {
        var submissions: [IntakeSubmission] = []
        for _ in 0..<count {
            let submission = Fixtures.submission()
            _ = try await store.ingest(submission)
            submissions.append(submission)
        }
        return submissions
    }

    @Test func dueItemsAreClaimedOnceWithTheirCommittedBody() async throws {
        try await withStore { store, _ in
            let submissions = try await ingest(store, 3)
            let claimed = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == submissions.map(\.record.id))
            for (item, submission) in zip(claimed, submissions) {
                #expect(item.department == "urban-management")
                #expect(item.attempts == 0)
                #expect(item.body == ComplaintJSON.encode(submission.record))
            }
            // Still leased: a second claim before any attempt is recorded hands out nothing.
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).isEmpty)
            // ...and items committed meanwhile are handed out on their own.
            let late = Fixtures.submission()
            _ = try await store.ingest(late)
            #expect(
                try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).map(\.complaintID)
                    == [late.record.id])
        }
    }

    @Test func claimRespectsTheLimitAndHandsOutTheRestNext() async throws {
        try await withStore { store, _ in
            let ids = try await ingest(store, 5).map(\.record.id)
            let first = try await store.claimDueDeliveries(limit: 2, now: Date(), leaseDuration: 60)
            let second = try await store.claimDueDeliveries(limit: 2, now: Date(), leaseDuration: 60)
            let third = try await store.claimDueDeliveries(limit: 2, now: Date(), leaseDuration: 60)
            #expect(first.count == 2)
            #expect(second.count == 2)
            #expect(third.count == 1)
            #expect((first + second + third).map(\.complaintID).sorted() == ids.sorted())
            #expect(try await store.claimDueDeliveries(limit: 0, now: Date(), leaseDuration: 60).isEmpty)
        }
    }

    @Test func itemsAreNotDueBeforeTheyWereCommitted() async throws {
        try await withStore { store, _ in
            _ = try await ingest(store, 1)
            let past = Date().addingTimeInterval(-3600)
            #expect(try await store.claimDueDeliveries(limit: 10, now: past, leaseDuration: 60).isEmpty)
        }
    }

    @Test func deliveredIsFinalAndRecorded() async throws {
        try await withStore { store, path in
            let submission = try #require(try await ingest(store, 1).first)
            let id = submission.record.id
            _ = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            let started = Date(timeIntervalSince1970: 1_764_000_000.25)
            try await store.recordDelivery(
                complaintID: id, attempt: Fixtures.attempt(1, startedAt: started, status: 201, outcome: "delivered"),
                resolution: .delivered)

            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.state == .delivered)
            #expect(stored.events.map(\.type) == ["accepted", "delivered"])
            // Told by the attempt row: when the answer came and what it was; no event row is stored.
            #expect(stored.events.last?.at == Date(timeIntervalSince1970: 1_764_000_000.262))
            #expect(stored.events.last?.detail == "HTTP 201 from urban-management on attempt 1")
            #expect(try await SQLiteCLI.count(path, "complaint_events", where: "complaint_id = '\(id)'") == 0)
            let attempt = try #require(stored.deliveries.first)
            #expect(stored.deliveries.count == 1)
            #expect(attempt.attempt == 1)
            #expect(attempt.statusCode == 201)
            #expect(attempt.outcome == "delivered")
            #expect(attempt.error == nil)
            #expect(attempt.url == "http://127.0.0.1:9/urban-management")
            #expect(attempt.latencyMilliseconds == 12.5)
            #expect(attempt.responseSnippet == "ok")

            let later = Date().addingTimeInterval(3600)
            #expect(try await store.claimDueDeliveries(limit: 10, now: later, leaseDuration: 60).isEmpty)
            #expect(try await store.nextDueTime() == nil)
            #expect(try await store.outboxDepth() == 0)
            #expect(try await store.listComplaints(ComplaintQuery()).items.first?.state == .delivered)
        }
    }

    @Test func retryIsNotDueBeforeItsTime() async throws {
        try await withStore { store, _ in
            let id = try #require(try await ingest(store, 1).first).record.id
            _ = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            let retryAt = Self.milliseconds(Date().addingTimeInterval(120))
            try await store.recordDelivery(
                complaintID: id, attempt: Fixtures.attempt(1, status: 503, outcome: "retry", error: "HTTP 503"),
                resolution: .retry(at: retryAt))

            #expect(try await store.nextDueTime() == retryAt)
            #expect(try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).isEmpty)
            #expect(
                try await store.claimDueDeliveries(
                    limit: 10, now: retryAt.addingTimeInterval(-0.5), leaseDuration: 60
                ).isEmpty)

            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.state == .pending)
            #expect(stored.events.map(\.type) == ["accepted", "retry_scheduled"])
            #expect(stored.deliveries.map(\.statusCode) == [503])
            #expect(stored.deliveries.map(\.error) == ["HTTP 503"])
            #expect(try await store.outboxDepth() == 1)
        }
    }

    @Test func deadIsFinalAndRecorded() async throws {
        try await withStore { store, _ in
            let id = try #require(try await ingest(store, 1).first).record.id
            _ = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            try await store.recordDelivery(
                complaintID: id,
                attempt: Fixtures.attempt(1, status: 400, outcome: "dead", error: "HTTP 400: permanent failure"),
                resolution: .dead)

            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.state == .dead)
            #expect(stored.events.map(\.type) == ["accepted", "dead_lettered"])
            #expect(stored.deliveries.map(\.outcome) == ["dead"])
            #expect(stored.deliveries.map(\.error) == ["HTTP 400: permanent failure"])
            #expect(
                try await store.claimDueDeliveries(limit: 10, now: Date().addingTimeInterval(3600), leaseDuration: 60)
                    .isEmpty)
            #expect(try await store.outboxDepth() == 0)
            #expect(try await store.nextDueTime() == nil)
        }
    }

    @Test func outboxDepthCountsPendingOnly() async throws {
        try await withStore { store, _ in
            let ids = try await ingest(store, 4).map(\.record.id)
            #expect(try await store.outboxDepth() == 4)
            _ = try await store.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            // Claimed but not resolved is still pending.
            #expect(try await store.outboxDepth() == 4)
            try await store.recordDelivery(
                complaintID: ids[0], attempt: Fixtures.attempt(1, status: 200, outcome: "delivered"),
                resolution: .delivered)
            try await store.recordDelivery(
                complaintID: ids[1], attempt: Fixtures.attempt(1, status: 404, outcome: "dead"), resolution: .dead)
            try await store.recordDelivery(
                complaintID: ids[2], attempt: Fixtures.attempt(1, status: 500, outcome: "retry"),
                resolution: .retry(at: Date().addingTimeInterval(60)))
            #expect(try await store.outboxDepth() == 2)
        }
    }

    @Test func expiredLeaseIsHandedOutAgain() async throws {
        try await withStore { store, _ in
            let id = try #require(try await ingest(store, 1).first).record.id
            let now = Date()
            #expect(
                try await store.claimDueDeliveries(limit: 10, now: now, leaseDuration: 30).map(\.complaintID) == [id])
            #expect(
                try await store.claimDueDeliveries(limit: 10, now: now.addingTimeInterval(29), leaseDuration: 30)
                    .isEmpty)
            let reclaimed = try await store.claimDueDeliveries(
                limit: 10, now: now.addingTimeInterval(31), leaseDuration: 30)
            #expect(reclaimed.map(\.complaintID) == [id])
            #expect(reclaimed.first?.attempts == 0)
        }
    }

    @Test func retryIsDueAtItsTimeAfterARestart() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = SQLiteConfiguration(path: directory.appendingPathComponent("gateway.sqlite").path)
            let first = try SQLiteStore(configuration: configuration)
            let submission = Fixtures.submission()
            _ = try await first.ingest(submission)
            _ = try await first.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60)
            let retryAt = Self.milliseconds(Date().addingTimeInterval(120))
            try await first.recordDelivery(
                complaintID: submission.record.id,
                attempt: Fixtures.attempt(1, status: 429, outcome: "retry", error: "HTTP 429"),
                resolution: .retry(at: retryAt))
            try await first.close()

            let restarted = try SQLiteStore(configuration: configuration)
            #expect(try await restarted.nextDueTime() == retryAt)
            #expect(try await restarted.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 60).isEmpty)
            let claimed = try await restarted.claimDueDeliveries(
                limit: 10, now: retryAt.addingTimeInterval(1), leaseDuration: 60)
            #expect(claimed.map(\.complaintID) == [submission.record.id])
            #expect(claimed.first?.attempts == 1)
            try await restarted.close()
        }
    }

    @Test func aClaimNeverRecordedIsHandedOutAfterARestart() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = SQLiteConfiguration(path: directory.appendingPathComponent("gateway.sqlite").path)
            let crashed = try SQLiteStore(configuration: configuration)
            let submission = Fixtures.submission()
            _ = try await crashed.ingest(submission)
            #expect(try await crashed.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 300).count == 1)
            #expect(try await crashed.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 300).isEmpty)
            try await crashed.close()

            // Leases live in memory: after the restart the in-flight item is due at once.
            let restarted = try SQLiteStore(configuration: configuration)
            let claimed = try await restarted.claimDueDeliveries(limit: 10, now: Date(), leaseDuration: 300)
            #expect(claimed.map(\.complaintID) == [submission.record.id])
            #expect(claimed.first?.body == ComplaintJSON.encode(submission.record))
            try await restarted.close()
        }
    }
}
