import ComplaintCore
import Foundation
import Storage
import Testing

/// Many callers at once: the group-commit writer must answer each with its own outcome.
@Suite struct SQLiteStoreConcurrencyTests {
    @Test func concurrentIngestsAllCommitWithDistinctIDs() async throws {
        try await withStore { store, path in
            let count = 500
            let submissions = (0..<count).map { index in
                Fixtures.submission(externalID: "SM-concurrent-\(index)", text: "complaint \(index)")
            }
            let outcomes = try await withThrowingTaskGroup(of: (String, IntakeOutcome).self) { group in
                for submission in submissions {
                    group.addTask { (submission.record.id, try await store.ingest(submission)) }
                }
                var outcomes: [String: IntakeOutcome] = [:]
                for try await (id, outcome) in group { outcomes[id] = outcome }
                return outcomes
            }
            #expect(outcomes.count == count)
            for submission in submissions {
                #expect(
                    outcomes[submission.record.id]
                        == .created(id: submission.record.id, routing: submission.decision.routing))
            }

            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.listComplaints(ComplaintQuery(limit: 1000, cursor: cursor))
                listed += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(listed.count == count)
            #expect(Set(listed) == Set(submissions.map(\.record.id)))
            #expect(try await store.outboxDepth() == count)
            #expect(try await SQLiteCLI.count(path, "raw_payloads", where: "disposition = 'accepted'") == count)
        }
    }

    @Test func concurrentDuplicatesOfOneKeyCreateExactlyOne() async throws {
        try await withStore { store, _ in
            let submissions = (0..<50).map { _ in Fixtures.submission(externalID: "SM-same") }
            let outcomes = try await withThrowingTaskGroup(of: IntakeOutcome.self) { group in
                for submission in submissions { group.addTask { try await store.ingest(submission) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = outcomes.filter { if case .created = $0 { true } else { false } }
            #expect(created.count == 1)
            let winner = try #require(created.first?.complaintID)
            #expect(outcomes.allSatisfy { $0.complaintID == winner })
            #expect(try await store.listComplaints(ComplaintQuery()).items.map(\.id) == [winner])
        }
    }

    @Test func concurrentClaimsNeverHandOutAnItemTwice() async throws {
        try await withStore { store, _ in
            var ids: [String] = []
            for _ in 0..<60 {
                let submission = Fixtures.submission()
                _ = try await store.ingest(submission)
                ids.append(submission.record.id)
            }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        try await store.claimDueDeliveries(limit: 3, now: Date(), leaseDuration: 60).map(\.complaintID)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == Set(claims).count, "an item was handed out twice")
            #expect(Set(claims).isSubset(of: Set(ids)))
            // Whatever the interleaving, everything due is handed out once the claims are done.
            let rest = try await store.claimDueDeliveries(limit: 100, now: Date(), leaseDuration: 60).map(\.complaintID)
            #expect((claims + rest).sorted() == ids.sorted())
        }
    }
}
