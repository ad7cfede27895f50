import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// End to end: how failed attempts are classified and recorded.
@Suite struct OutboxDispatcherFailureTests {
    @Test func serverErrorIsRecordedAsARetrySoon() async throws {
        let downstream = DownstreamServer(scripts: ["/broken": .status(500)])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "broken")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                try await withDispatcher(
                    store: store, departments: [department("broken", url: "\(base)/broken", maxAttempts: 1_000)]
                ) { _ in
                    let attempted = try await eventually {
                        try await store.complaint(id: id)?.deliveries.isEmpty == false
                    }
                    #expect(attempted)
                }
                let stored = try #require(try await store.complaint(id: id))
                let first = try #require(stored.deliveries.first)
                #expect(first.attempt == 1)
                #expect(first.statusCode == 500)
                #expect(first.outcome == "retry")
                #expect(first.error == "HTTP 500")
                #expect(first.responseSnippet == "answer 1 from /broken")
                #expect(stored.events.prefix(2).map(\.type) == ["accepted", "retry_scheduled"])
                #expect(stored.state == .pending)
                // Scheduled within the policy's 0.2 s cap, not an hour away.
                let next = try #require(try await store.nextDueTime())
                #expect(next <= Date().addingTimeInterval(1))
                #expect(downstream.requests(to: "/broken").first?.idempotencyKey == id)
            }
        }
    }

    @Test func clientErrorIsDeadAfterOneAttempt() async throws {
        let downstream = DownstreamServer(scripts: ["/reject": .status(400)])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "reject")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                try await withDispatcher(store: store, departments: [department("reject", url: "\(base)/reject")]) {
                    _ in
                    let dead = try await eventually { try await store.complaint(id: id)?.state == .dead }
                    #expect(dead)
                }
                let stored = try #require(try await store.complaint(id: id))
                #expect(stored.deliveries.count == 1)
                #expect(stored.deliveries.first?.statusCode == 400)
                #expect(stored.deliveries.first?.outcome == "dead")
                #expect(stored.deliveries.first?.error == "HTTP 400: permanent failure, not retried")
                #expect(stored.deliveries.first?.responseSnippet == "answer 1 from /reject")
                #expect(stored.events.map(\.type) == ["accepted", "dead_lettered"])
                #expect(downstream.requests(to: "/reject").count == 1)
                #expect(try await store.outboxDepth() == 0)
            }
        }
    }

    @Test func refusedConnectionIsRecordedAsARetryWithItsError() async throws {
        try await withOfflineDepartment(timeout: 1, maxAttempts: 3) { store, id, offline in
            try await withDispatcher(store: store, departments: [offline]) { _ in
                let attempted = try await eventually { try await store.complaint(id: id)?.deliveries.isEmpty == false }
                #expect(attempted)
            }
            let stored = try #require(try await store.complaint(id: id))
            let first = try #require(stored.deliveries.first)
            #expect(first.statusCode == nil)
            #expect(first.outcome == "retry")
            #expect(first.error == "connection refused")
            #expect(first.url == offline.endpoint.url)
        }
    }

    @Test func refusedConnectionOnTheLastAllowedAttemptIsDead() async throws {
        try await withOfflineDepartment(timeout: 1, maxAttempts: 1) { store, id, offline in
            try await withDispatcher(store: store, departments: [offline]) { _ in
                let dead = try await eventually { try await store.complaint(id: id)?.state == .dead }
                #expect(dead)
            }
            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.deliveries.count == 1)
            #expect(stored.deliveries.first?.outcome == "dead")
            #expect(stored.deliveries.first?.error == "connection refused; gave up after 1 attempts")
            #expect(stored.events.map(\.type) == ["accepted", "dead_lettered"])
        }
    }

    @Test func slowEndpointTimesOutAndIsRetried() async throws {
        let downstream = DownstreamServer(scripts: ["/slow": .sleep(.seconds(60))])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "slow")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                // Long enough that the connection itself is made within it on a loaded machine (a
                // connect that takes longer is a "connect timeout", another case), far below 60 s.
                let slow = department("slow", url: "\(base)/slow", timeout: 2, maxAttempts: 2)
                try await withDispatcher(store: store, departments: [slow]) { _ in
                    let attempted = try await eventually {
                        try await store.complaint(id: id)?.deliveries.isEmpty == false
                    }
                    #expect(attempted)
                }
                let stored = try #require(try await store.complaint(id: id))
                let first = try #require(stored.deliveries.first)
                #expect(first.statusCode == nil)
                #expect(first.outcome == "retry")
                #expect(first.error == "timeout: no complete response in time")
                // It gave up near its 2 s timeout, not after the endpoint's 60 s. (The upper bound
                // leaves room for a machine whose two cores are both busy: 9 s has been exceeded so.)
                #expect(first.latencyMilliseconds >= 1_900)
                #expect(first.latencyMilliseconds < 30_000)
                #expect(downstream.requests(to: "/slow").first?.idempotencyKey == id)
            }
        }
    }
}
