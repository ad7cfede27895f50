import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// End to end: SQLite outbox → dispatcher → HTTP → a real downstream server.
@Suite struct OutboxDispatcherDeliveryTests {
    @Test func deliversTheStoredRecordWithItsIdempotencyKey() async throws {
        let downstream = DownstreamServer(scripts: [:])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "urban-management")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                let urban = department(
                    "urban-management", url: "\(base)/urban-management",
                    headers: [HeaderField(name: "X-Source", value: "complaint-gateway")])

                try await withDispatcher(store: store, departments: [urban]) { dispatcher in
                    let delivered = try await eventually { try await store.complaint(id: id)?.state == .delivered }
                    #expect(delivered)
                    #expect(dispatcher.claimsMade >= 1)
                }

                let requests = downstream.requests(to: "/urban-management")
                #expect(requests.count == 1)
                let request = try #require(requests.first)
                #expect(request.idempotencyKey == id)
                #expect(request.contentType == "application/json")
                #expect(request.headers["x-source"] == "complaint-gateway")
                #expect(request.body == ComplaintJSON.encode(submission.record))
                #expect(try ComplaintJSON.decode(request.body) == submission.record)

                let stored = try #require(try await store.complaint(id: id))
                #expect(stored.deliveries.count == 1)
                let attempt = try #require(stored.deliveries.first)
                #expect(attempt.attempt == 1)
                #expect(attempt.statusCode == 200)
                #expect(attempt.outcome == "delivered")
                #expect(attempt.error == nil)
                #expect(attempt.url == "\(base)/urban-management")
                #expect(attempt.department == "urban-management")
                #expect(attempt.responseSnippet == "answer 1 from /urban-management")
                #expect(stored.events.map(\.type) == ["accepted", "delivered"])
                #expect(try await store.outboxDepth() == 0)
            }
        }
    }

    @Test func deliversManyToSeveralDepartmentsOnceEach() async throws {
        let downstream = DownstreamServer(scripts: [:])
        try await downstream.run { base in
            try await withStore { store in
                let names = ["water", "power", "roads"]
                var ids: [String: String] = [:]
                for index in 0..<30 {
                    let submission = Fixtures.submission(department: names[index % 3])
                    _ = try await store.ingest(submission)
                    ids[submission.record.id] = names[index % 3]
                }
                let departments = names.map { department($0, url: "\(base)/\($0)") }
                try await withDispatcher(store: store, departments: departments) { _ in
                    let drained = try await eventually { try await store.outboxDepth() == 0 }
                    #expect(drained)
                }
                for name in names {
                    let keys = downstream.requests(to: "/\(name)").compactMap(\.idempotencyKey)
                    #expect(keys.sorted() == ids.filter { $0.value == name }.keys.sorted())
                }
                for id in ids.keys {
                    #expect(try await store.complaint(id: id)?.state == .delivered)
                }
            }
        }
    }

    @Test func newWorkIsPickedUpWhenNotifiedWithoutWaitingForThePoll() async throws {
        let downstream = DownstreamServer(scripts: [:])
        try await downstream.run { base in
            try await withStore { store in
                // A poll interval far beyond the wait below: only the notification can make it in time.
                let settings = OutboxDispatcher.Settings(maxInFlight: 8, pollInterval: .seconds(120), leaseDuration: 60)
                try await withDispatcher(
                    store: store, departments: [department("water", url: "\(base)/water")],
                    settings: settings
                ) { dispatcher in
                    // Let the dispatcher find the outbox empty and go to sleep.
                    try await Task.sleep(for: .milliseconds(300))
                    let submission = Fixtures.submission(department: "water")
                    _ = try await store.ingest(submission)
                    dispatcher.notifyNewWork()
                    let delivered = try await eventually {
                        try await store.complaint(id: submission.record.id)?.state == .delivered
                    }
                    #expect(delivered)
                }
            }
        }
    }

    /// Claims go per configured department: a complaint whose department left the configuration
    /// waits in the outbox untouched (no attempts spent) and goes out once the department is back.
    @Test func complaintForAnUnconfiguredDepartmentIsHeldNotLost() async throws {
        let downstream = DownstreamServer()
        try await downstream.run { base in
            try await withStore { store in
                let id = try await ingest(1, for: "ghost", into: store)[0]
                let water = department("water", url: "\(base)/water")
                let waterID = try await ingest(1, for: "water", into: store)[0]
                try await withDispatcher(store: store, departments: [water]) { _ in
                    try await expectEventually { try await store.complaint(id: waterID)?.state == .delivered }
                    try await Task.sleep(for: .milliseconds(300))
                }
                let held = try #require(try await store.complaint(id: id))
                #expect(held.state == .pending)
                #expect(held.deliveries.isEmpty)
                #expect(try await store.nextDueTime(departments: ["water"]) == nil)
                #expect(try await store.nextDueTime(departments: ["ghost"]) != nil)
                try await withDispatcher(store: store, departments: [water, department("ghost", url: "\(base)/ghost")])
                {
                    _ in
                    try await expectEventually { try await store.complaint(id: id)?.state == .delivered }
                }
                #expect(downstream.requests(to: "/ghost").map(\.idempotencyKey) == [id])
            }
        }
    }
}
