import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// End to end against a downstream that injects faults: Retry-After, resets, recovery, give-up.
@Suite struct OutboxDispatcherFaultTests {
    @Test func tooManyRequestsWaitsForRetryAfterSeconds() async throws {
        let downstream = DownstreamServer(scripts: [
            "/busy": .sequence([.respond(status: 429, headers: ["Retry-After": "1"]), .status(200)])
        ])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "busy", into: store)
                let busy = department("busy", url: "\(base)/busy") { $0.retry.maxDelay = 5 }
                try await withDispatcher(store: store, departments: [busy]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let requests = downstream.requests(to: "/busy")
                try #require(requests.count == 2)
                // Full jitter alone would retry within 0.05 s; the server asked for a second.
                #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 0.95)
                let stored = try #require(try await store.complaint(id: ids[0]))
                #expect(stored.deliveries.map(\.statusCode) == [429, 200])
                #expect(stored.deliveries.map(\.outcome) == ["retry", "delivered"])
                #expect(stored.deliveries.first?.error == "HTTP 429")
            }
        }
    }

    @Test func serviceUnavailableWaitsForRetryAfterHTTPDate() async throws {
        // Whole seconds: two seconds ahead is at least one second after the request.
        let downstream = DownstreamServer(scripts: [
            "/maintenance": .sequence([.retryAfterDate(status: 503, seconds: 2), .status(200)])
        ])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "maintenance", into: store)
                let endpoint = department("maintenance", url: "\(base)/maintenance") { $0.retry.maxDelay = 5 }
                try await withDispatcher(store: store, departments: [endpoint]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let requests = downstream.requests(to: "/maintenance")
                try #require(requests.count == 2)
                #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 0.95)
            }
        }
    }

    @Test func connectionResetMidBodyIsRetried() async throws {
        let downstream = DownstreamServer(scripts: ["/flaky": .sequence([.resetMidBody, .status(200)])])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "flaky", into: store)
                try await withDispatcher(store: store, departments: [department("flaky", url: "\(base)/flaky")]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let stored = try #require(try await store.complaint(id: ids[0]))
                try #require(stored.deliveries.count == 2)
                let first = stored.deliveries[0]
                #expect(first.outcome == "retry")
                #expect(first.statusCode == nil)
                #expect(first.error?.contains("mid-response") == true, "\(first.error ?? "nil")")
                #expect(stored.deliveries[1].outcome == "delivered")
                #expect(Set(downstream.requests(to: "/flaky").map(\.idempotencyKey)) == [ids[0]])
            }
        }
    }

    @Test func endpointThatRecoversAfterFailuresGetsEveryComplaintOnce() async throws {
        let downstream = DownstreamServer(scripts: ["/recovering": .failThen(failures: 3, failureStatus: 502)])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "recovering", into: store)
                let endpoint = department("recovering", url: "\(base)/recovering") {
                    $0.breaker.failureThreshold = 100
                }
                try await withDispatcher(store: store, departments: [endpoint]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let stored = try #require(try await store.complaint(id: ids[0]))
                #expect(stored.deliveries.map(\.attempt) == [1, 2, 3, 4])
                #expect(stored.deliveries.map(\.statusCode) == [502, 502, 502, 200])
                #expect(stored.deliveries.map(\.outcome) == ["retry", "retry", "retry", "delivered"])
                #expect(downstream.requests(to: "/recovering").allSatisfy { $0.idempotencyKey == ids[0] })
                #expect(stored.events.map(\.type).last == "delivered")
            }
        }
    }

    @Test func giveUpTimeEndsRetriesWithTheLastResponse() async throws {
        let downstream = DownstreamServer(scripts: ["/down": .status(500)])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "down", into: store)
                let endpoint = department("down", url: "\(base)/down") {
                    $0.retry = RetryPolicy(maxAttempts: 1000, baseDelay: 0.05, maxDelay: 0.1, giveUpAfter: 1)
                    $0.breaker.failureThreshold = 1000
                }
                try await withDispatcher(store: store, departments: [endpoint]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .dead) }
                }
                let dead = try await store.deadLetters(DeadLetterQuery())
                try #require(dead.count == 1)
                #expect(dead[0].complaintID == ids[0])
                #expect(dead[0].error?.contains("give-up time") == true, "\(dead[0].error ?? "nil")")
                #expect(dead[0].lastAttempt?.statusCode == 500)
                #expect(dead[0].lastAttempt?.responseSnippet?.hasPrefix("answer ") == true)
                #expect(dead[0].attempts >= 1)
            }
        }
    }

    @Test func replayedDeadLetterIsDeliveredWithTheSameKeyAndContinuedNumbering() async throws {
        let downstream = DownstreamServer(defaultScript: .status(400))
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(2, for: "strict", into: store)
                let strict = department("strict", url: "\(base)/strict")
                try await withDispatcher(store: store, departments: [strict]) { dispatcher in
                    try await expectEventually { try await all(ids, in: store, are: .dead) }
                    #expect(try await store.deadLetters(DeadLetterQuery(department: "strict")).count == 2)
                    #expect(try await store.deadLetters(DeadLetterQuery(department: "other")).isEmpty)
                    downstream.setDefault(.status(200))
                    #expect(try await store.replayDeadLetter(complaintID: ids[0], now: Date()))
                    #expect(try await !store.replayDeadLetter(complaintID: ids[0], now: Date()))
                    dispatcher.notifyNewWork()
                    try await expectEventually { try await all([ids[0]], in: store, are: .delivered) }
                    #expect(try await store.replayDeadLetters(department: "strict", now: Date()) == [ids[1]])
                    dispatcher.notifyNewWork()
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let stored = try #require(try await store.complaint(id: ids[0]))
                #expect(stored.deliveries.map(\.attempt) == [1, 2])
                #expect(stored.deliveries.map(\.outcome) == ["dead", "delivered"])
                #expect(stored.events.map(\.type) == ["accepted", "dead_lettered", "replayed", "delivered"])
                #expect(downstream.requests(to: "/strict").allSatisfy { ids.contains($0.idempotencyKey ?? "") })
                #expect(try await store.deadLetters(DeadLetterQuery()).isEmpty)
            }
        }
    }
}
