import ComplaintCore
import Foundation
import GRDB
import Testing

@testable import Storage

/// `listComplaints`: order, paging and filters.
@Suite struct SQLiteStoreListingTests {
    static let base = Date(timeIntervalSince1970: 1_790_000_000)

    /// Ingests 12 complaints over channels, departments and received times; returns them in ingest order.
    private func seed(_ store: SQLiteStore) async throws -> [IntakeSubmission] {
        let channels: [Channel] = [.sms, .email, .hotline, .api]
        let departments = ["urban-management", "water"]
        var submissions: [IntakeSubmission] = []
        for index in 0..<12 {
            let submission = Fixtures.submission(
                channel: channels[index % 4], adapter: "a\(index % 4)", externalID: "ext-\(index)",
                department: departments[index % 2],
                receivedAt: Self.base.addingTimeInterval(Double(index) * 3600))
            _ = try await store.ingest(submission)
            submissions.append(submission)
        }
        return submissions
    }

    @Test func listsNewestFirstWithState() async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            let page = try await store.listComplaints(ComplaintQuery())
            #expect(page.items.map(\.id) == submissions.reversed().map(\.record.id))
            #expect(page.items.allSatisfy { $0.state == .pending })
            #expect(try page.items.first?.record() == submissions.last?.record)
            #expect(page.items.first?.recordJSON == submissions.last.map { ComplaintJSON.encode($0.record) })
            #expect(page.nextCursor == nil)
        }
    }

    @Test(arguments: [1, 5, 11, 12, 13])
    func pagingCoversEverythingExactlyOnce(pageSize: Int) async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await store.listComplaints(ComplaintQuery(limit: pageSize, cursor: cursor))
                #expect(page.items.count <= pageSize)
                #expect(!page.items.isEmpty)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 100
            #expect(seen == submissions.reversed().map(\.record.id))
            #expect(pages == (submissions.count + pageSize - 1) / pageSize)
        }
    }

    @Test func filtersByChannelAndDepartment() async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            let sms = try await store.listComplaints(ComplaintQuery(channel: .sms))
            #expect(
                sms.items.map(\.id)
                    == submissions.filter { $0.record.channel == .sms }.reversed().map(\.record.id))
            #expect(sms.items.count == 3)

            let water = try await store.listComplaints(ComplaintQuery(department: "water"))
            #expect(
                water.items.map(\.id)
                    == submissions.filter { $0.decision.routing.department == "water" }.reversed().map(\.record.id))
            #expect(water.items.count == 6)

            // channel index % 4 == 1 (email) and department index % 2 == 1 (water): indexes 1, 5, 9.
            let both = try await store.listComplaints(ComplaintQuery(channel: .email, department: "water"))
            #expect(both.items.map(\.id) == [9, 5, 1].map { submissions[$0].record.id })

            #expect(
                try await store.listComplaints(ComplaintQuery(channel: .hotline, department: "water")).items.isEmpty)
            #expect(try await store.listComplaints(ComplaintQuery(department: "nobody")).items.isEmpty)
        }
    }

    @Test func filtersByReceivedTimeSinceInclusiveUntilExclusive() async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            let since = Self.base.addingTimeInterval(3 * 3600)
            let until = Self.base.addingTimeInterval(7 * 3600)
            let window = try await store.listComplaints(ComplaintQuery(since: since, until: until))
            #expect(window.items.map(\.id) == [6, 5, 4, 3].map { submissions[$0].record.id })

            let fromNine = try await store.listComplaints(ComplaintQuery(since: Self.base.addingTimeInterval(9 * 3600)))
            #expect(fromNine.items.map(\.id) == [11, 10, 9].map { submissions[$0].record.id })

            let beforeTwo = try await store.listComplaints(
                ComplaintQuery(until: Self.base.addingTimeInterval(2 * 3600)))
            #expect(beforeTwo.items.map(\.id) == [1, 0].map { submissions[$0].record.id })
        }
    }

    @Test func filteredPagingCoversTheFilteredSetOnce() async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.listComplaints(
                    ComplaintQuery(department: "urban-management", limit: 4, cursor: cursor))
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && seen.count < 100
            #expect(seen == [10, 8, 6, 4, 2, 0].map { submissions[$0].record.id })
        }
    }

    @Test("a time window with other filters and paging, where call times are not in id order")
    func windowWithFiltersAndPagingOverCallTimes() async throws {
        try await withStore { store, path in
            // Hotline calls: accepted in upload order, called at other times (as call logs list them).
            let hours = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4, 11, 10]
            var submissions: [IntakeSubmission] = []
            for (index, hour) in hours.enumerated() {
                let submission = Fixtures.submission(
                    channel: index % 3 == 0 ? .sms : .hotline, adapter: "12345", externalID: "GD\(index)",
                    department: index % 2 == 0 ? "water" : "urban-management",
                    receivedAt: Self.base.addingTimeInterval(Double(hour) * 3600))
                _ = try await store.ingest(submission)
                submissions.append(submission)
            }
            let since = Self.base.addingTimeInterval(2 * 3600)
            let until = Self.base.addingTimeInterval(10 * 3600)
            let inWindow = { (submission: IntakeSubmission) in
                submission.record.receivedAt >= since && submission.record.receivedAt < until
            }
            let expected = submissions.filter { inWindow($0) && $0.record.channel == .hotline }.reversed()
                .map(\.record.id)
            #expect(expected.count == 4)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.listComplaints(
                    ComplaintQuery(channel: .hotline, since: since, until: until, limit: 2, cursor: cursor))
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && seen.count < 100
            #expect(seen == expected)

            let water = try await store.listComplaints(ComplaintQuery(department: "water", since: since, until: until))
            #expect(
                water.items.map(\.id)
                    == submissions.filter { inWindow($0) && $0.decision.routing.department == "water" }.reversed()
                    .map(\.record.id))

            // Each filter has an index to find its complaints with, whatever the store's size.
            let channelPlan = try await SQLiteCLI.run(
                path, "EXPLAIN QUERY PLAN SELECT id FROM complaints WHERE channel = 'email' ORDER BY id DESC LIMIT 5;")
            #expect(channelPlan.contains("complaints_channel"), "\(channelPlan)")
            let bothPlan = try await SQLiteCLI.run(
                path,
                "EXPLAIN QUERY PLAN SELECT id FROM complaints WHERE channel = 'api' AND department = 'x' "
                    + "ORDER BY id DESC LIMIT 5;")
            #expect(bothPlan.contains("COVERING INDEX complaints_department_channel"), "\(bothPlan)")
            #expect(!bothPlan.contains("TEMP B-TREE"), "\(bothPlan)")
            // A time window's first look, among the newest complaints: their ids, whatever else is filtered.
            let window = ComplaintListSQL(
                ComplaintQuery(channel: .sms, department: "x", since: Self.base, until: Self.base, cursor: "cmp_z"),
                limit: 6)
            let probe = try #require(window.probe)
            let reader = try DatabaseQueue(path: path)
            let probePlan = try await reader.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(probe.sql)", arguments: probe.arguments)
                    .map { $0["detail"] as String }
            }.joined(separator: "\n")
            #expect(probePlan.contains("sqlite_autoindex_complaints_1 (id=?)"), "\(probePlan)")
            try reader.close()
            #expect(!probePlan.contains("complaints_department_channel"), "\(probePlan)")
            #expect(!probePlan.contains("complaints_channel"), "\(probePlan)")
            #expect(!probePlan.contains("complaints_received"), "\(probePlan)")
            // The dead letters of one department, as `deadLetters` and `replayDeadLetters` read them.
            let deadPlan = try await SQLiteCLI.run(
                path,
                "EXPLAIN QUERY PLAN SELECT complaint_id FROM outbox o WHERE o.state = 'dead' AND o.department = 'x' "
                    + "ORDER BY o.updated_at DESC, o.complaint_id DESC LIMIT 5;")
            #expect(deadPlan.contains("outbox_dead_department"), "\(deadPlan)")
            #expect(!deadPlan.contains("TEMP B-TREE"), "\(deadPlan)")
            let windowPlan = try await SQLiteCLI.run(
                path,
                "EXPLAIN QUERY PLAN SELECT id FROM complaints INDEXED BY complaints_received "
                    + "WHERE received_at >= 0 AND received_at < 1 AND channel = 'sms' AND department = 'x' "
                    + "ORDER BY id DESC LIMIT 5;")
            #expect(windowPlan.contains("COVERING INDEX complaints_received"), "\(windowPlan)")
        }
    }

    @Test("a window is answered from the newest complaints when they fill the page, else from its index")
    func windowBeyondTheNewestComplaints() async throws {
        try await withStore { store, _ in
            // More complaints than the newest few a window's page looks at first.
            let count = ComplaintListSQL.probedNewest(limit: 6) + 44
            var submissions: [IntakeSubmission] = []
            for index in 0..<count {
                let submission = Fixtures.submission(
                    channel: index % 2 == 0 ? .hotline : .sms, externalID: "W\(index)",
                    receivedAt: Self.base.addingTimeInterval(Double(index) * 60))
                _ = try await store.ingest(submission)
                submissions.append(submission)
            }
            let ids = { (indexes: [Int]) in indexes.map { submissions[$0].record.id } }
            // The oldest ten only: none among the newest, so the window's index answers.
            let old = try await store.listComplaints(
                ComplaintQuery(until: Self.base.addingTimeInterval(10 * 60), limit: 5))
            #expect(old.items.map(\.id) == ids([9, 8, 7, 6, 5]))
            let rest = try await store.listComplaints(
                ComplaintQuery(until: Self.base.addingTimeInterval(10 * 60), limit: 5, cursor: old.nextCursor))
            #expect(rest.items.map(\.id) == ids([4, 3, 2, 1, 0]))
            #expect(rest.nextCursor == nil)
            // Everything since the start: the newest fill the page.
            let recent = try await store.listComplaints(
                ComplaintQuery(channel: .sms, since: Self.base, limit: 5))
            #expect(recent.items.map(\.id) == ids(Array(stride(from: count - 1, to: count - 11, by: -2))))
            // A window whose matches straddle the newest few and the rest, paged through.
            let since = Self.base.addingTimeInterval(Double(count - 300) * 60)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.listComplaints(
                    ComplaintQuery(channel: .hotline, since: since, limit: 40, cursor: cursor))
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && seen.count < 1000
            let expected = submissions.indices.filter { $0 % 2 == 0 && $0 >= count - 300 }.reversed()
            #expect(seen == ids(Array(expected)))
        }
    }

    @Test(arguments: [0, -5, 5000])
    func limitIsClampedToOneThroughAThousand(limit: Int) async throws {
        try await withStore { store, _ in
            let submissions = try await seed(store)
            let page = try await store.listComplaints(ComplaintQuery(limit: limit))
            #expect(page.items.count == (limit < 1 ? 1 : submissions.count))
        }
    }
}
