import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// One department's slow or dead endpoint must not hold back the others.
@Suite struct OutboxDispatcherIsolationTests {
    @Test func perEndpointConcurrencyLimitHoldsAndLeavesRoomForOthers() async throws {
        let downstream = DownstreamServer(scripts: ["/slow": .sleep(.seconds(3)), "/fast": .status(200)])
        try await downstream.run { base in
            try await withStore { store in
                let slowIDs = try await ingest(8, for: "slow", into: store)
                let fastIDs = try await ingest(12, for: "fast", into: store)
                // A timeout well past the 3 s answer: a request timed out and sent again would be a ninth.
                let slow = department("slow", url: "\(base)/slow") {
                    $0.maxInFlight = 2
                    $0.timeout = 20
                }
                let fast = department("fast", url: "\(base)/fast") { $0.maxInFlight = 2 }
                let settings = OutboxDispatcher.Settings(
                    maxInFlight: 4, pollInterval: .milliseconds(200), leaseDuration: 60)
                try await withDispatcher(store: store, departments: [slow, fast], settings: settings) { _ in
                    try await expectEventually { try await all(fastIDs + slowIDs, in: store, are: .delivered) }
                }
                // The slow department takes its 8 two at a time, three seconds each: its last ones
                // arrive 9 s after its first. The fast one was not queued behind it. (The downstream's
                // own arrival times: polling the store can notice late on a loaded machine. Three
                // seconds, not one: the fast department's 12 once took over 6 s in the suite's run
                // beside two busy loops and a build on two cores.)
                let slowArrivals = downstream.requests(to: "/slow").map(\.receivedAt).sorted()
                let fastLast = try #require(downstream.requests(to: "/fast").map(\.receivedAt).max())
                #expect(slowArrivals.count == 8)
                #expect(fastLast < slowArrivals[slowArrivals.count - 2])
                #expect(downstream.peakConcurrency("/slow") == 2)
                #expect(downstream.peakConcurrency("/fast") <= 2)
            }
        }
    }

    @Test func hungDepartmentsHoldingMostSlotsDoNotStallTheOthers() async throws {
        // Hung endpoints hold 13 of the 16 global slots until their timeout: fewer than a quarter
        // are left, and those must still serve the department that answers.
        let downstream = DownstreamServer(scripts: ["/hung": .sleep(.seconds(20)), "/fast": .status(200)])
        try await downstream.run { base in
            try await withStore { store in
                let hungIDs = try await ingest(13, for: "hung", into: store)
                let hung = department("hung", url: "\(base)/hung") {
                    $0.maxInFlight = 13
                    $0.timeout = 30
                }
                let fast = department("fast", url: "\(base)/fast") { $0.maxInFlight = 3 }
                let settings = OutboxDispatcher.Settings(
                    maxInFlight: 16, pollInterval: .seconds(5), leaseDuration: 60)
                try await withDispatcher(store: store, departments: [hung, fast], settings: settings) { dispatcher in
                    try await expectEventually { downstream.requests(to: "/hung").count == 13 }
                    let fastIDs = try await ingest(6, for: "fast", into: store)
                    let queued = Date()
                    dispatcher.notifyNewWork()
                    try await expectEventually { downstream.requests(to: "/fast").count == 6 }
                    let fastLast = try #require(downstream.requests(to: "/fast").map(\.receivedAt).max())
                    // Before any hung request was answered (20 s after it came) and freed its
                    // slot: stalled behind them, the fast ones would come only after that. Measured
                    // against the hung requests' own times, not a fixed bound, which a loaded
                    // machine stretches (under 3 s alone, 11 s beside two busy loops).
                    let firstHungAnswer = try #require(downstream.requests(to: "/hung").map(\.receivedAt).min())
                        .addingTimeInterval(20)
                    #expect(fastLast < firstHungAnswer, "\(fastLast.timeIntervalSince(queued)) s after queueing")
                    try await expectEventually { try await all(fastIDs + hungIDs, in: store, are: .delivered) }
                }
            }
        }
    }

    @Test func breakerOpensHoldsTheQueueProbesAndClosesOnRecovery() async throws {
        let downstream = DownstreamServer(scripts: ["/healthy": .status(200)], defaultScript: .status(503))
        try await downstream.run { base in
            try await withStore { store in
                let downIDs = try await ingest(5, for: "down", into: store)
                let down = department("down", url: "\(base)/down") {
                    $0.maxInFlight = 1
                    $0.retry = RetryPolicy(maxAttempts: 1000, baseDelay: 0.01, maxDelay: 0.02)
                    $0.breaker = CircuitBreakerPolicy(failureThreshold: 3, openDuration: 3, maxOpenDuration: 3)
                }
                let healthy = department("healthy", url: "\(base)/healthy")
                try await withDispatcher(store: store, departments: [down, healthy]) { dispatcher in
                    try await expectEventually { dispatcher.breakerStates()["down"]?.name == "open" }
                    // Open: the healthy department is served, and nothing of the down one is given up;
                    // its queue waits in the outbox.
                    let healthyIDs = try await ingest(3, for: "healthy", into: store)
                    dispatcher.notifyNewWork()
                    try await expectEventually { try await all(healthyIDs, in: store, are: .delivered) }
                    #expect(try await all(downIDs, in: store, are: .pending))
                    // After the open period one probe goes out; it fails, the breaker opens again. Read
                    // from the downstream's arrival times, which a loaded machine cannot blur: nothing
                    // arrived during the 3 s the breaker was open.
                    try await expectEventually { downstream.requests(to: "/down").count >= 4 }
                    try await expectEventually { dispatcher.breakerStates()["down"]?.name == "open" }
                    let arrivals = downstream.requests(to: "/down").map(\.receivedAt).sorted()
                    #expect(arrivals[3].timeIntervalSince(arrivals[2]) >= 3)
                    // The endpoint recovers: the next probe succeeds, the breaker closes, the queue drains.
                    downstream.setDefault(.status(200))
                    try await expectEventually { try await all(downIDs, in: store, are: .delivered) }
                    #expect(dispatcher.breakerStates()["down"]?.name == "closed")
                }
                #expect(try await store.deadLetters(DeadLetterQuery()).isEmpty)
            }
        }
    }

    /// The half-open probe falls on a complaint the department's template cannot render: it is a
    /// dead letter and nothing is sent, so the probe passes to the next complaint instead of
    /// holding the breaker half-open for ever.
    @Test func aProbeThatCannotRenderPassesTheProbeOn() async throws {
        let downstream = DownstreamServer(
            scripts: [:], defaultScript: .respond(status: 503, headers: ["Retry-After": "4"]))
        try await downstream.run { base in
            try await withStore { store in
                let renderable = try await ingest(3, for: "down", into: store)
                // Renders invalid JSON for a complaint without a phone.
                let template = try BodyTemplate(
                    source: "phone.mustache", text: #"{"p": {{#complainant.phone}}1{{/complainant.phone}}}"#)
                let down = department("down", url: "\(base)/down") {
                    $0.maxInFlight = 1
                    $0.retry = RetryPolicy(maxAttempts: 1000, baseDelay: 0.01, maxDelay: 10)
                    $0.breaker = CircuitBreakerPolicy(failureThreshold: 3, openDuration: 1, maxOpenDuration: 1)
                    $0.template = template
                }
                try await withDispatcher(store: store, departments: [down]) { dispatcher in
                    try await expectEventually { dispatcher.breakerStates()["down"]?.name == "open" }
                    // Due now, before the others' Retry-After: the probe falls on it.
                    var unrenderable = Fixtures.submission(department: "down")
                    unrenderable.record.complainant.phone = nil
                    _ = try await store.ingest(unrenderable)
                    downstream.setDefault(.status(200))
                    dispatcher.notifyNewWork()
                    try await expectEventually { try await all([unrenderable.record.id], in: store, are: .dead) }
                    try await expectEventually { try await all(renderable, in: store, are: .delivered) }
                    #expect(dispatcher.breakerStates()["down"]?.name == "closed")
                }
            }
        }
    }
}
