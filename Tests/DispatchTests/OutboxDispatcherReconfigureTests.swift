import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// Departments replaced while the dispatcher runs (a reload of departments.yaml).
@Suite struct OutboxDispatcherReconfigureTests {
    @Test func aRemovedDepartmentIsHeldAndDeliversWhenItComesBack() async throws {
        let downstream = DownstreamServer(scripts: [:], defaultScript: .status(200))
        try await downstream.run { base in
            try await withStore { store in
                let kept = department("kept", url: "\(base)/kept")
                let removed = department("removed", url: "\(base)/removed")
                try await withDispatcher(store: store, departments: [kept]) { dispatcher in
                    let heldIDs = try await ingest(3, for: "removed", into: store)
                    let keptIDs = try await ingest(2, for: "kept", into: store)
                    dispatcher.notifyNewWork()
                    try await expectEventually { try await all(keptIDs, in: store, are: .delivered) }
                    // Not configured: nothing is sent, no attempt is spent, the queue waits.
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(downstream.requests(to: "/removed").isEmpty)
                    #expect(try await all(heldIDs, in: store, are: .pending))

                    dispatcher.reconfigure(departments: [kept, removed])
                    #expect(dispatcher.departmentIDs == ["kept", "removed"])
                    try await expectEventually { try await all(heldIDs, in: store, are: .delivered) }
                    #expect(downstream.requests(to: "/removed").count == 3)

                    dispatcher.reconfigure(departments: [removed])
                    let afterIDs = try await ingest(2, for: "kept", into: store)
                    dispatcher.notifyNewWork()
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(try await all(afterIDs, in: store, are: .pending))
                    #expect(downstream.requests(to: "/kept").count == 2)
                }
            }
        }
    }

    @Test func anOpenBreakerStaysOpenUnlessItsSettingsChange() async throws {
        let downstream = DownstreamServer(scripts: [:], defaultScript: .status(503))
        try await downstream.run { base in
            try await withStore { store in
                let down = department("down", url: "\(base)/down") {
                    $0.maxInFlight = 1
                    $0.retry = RetryPolicy(maxAttempts: 1000, baseDelay: 0.01, maxDelay: 0.02)
                    $0.breaker = CircuitBreakerPolicy(failureThreshold: 3, openDuration: 60, maxOpenDuration: 60)
                }
                try await withDispatcher(store: store, departments: [down]) { dispatcher in
                    _ = try await ingest(2, for: "down", into: store)
                    dispatcher.notifyNewWork()
                    try await expectEventually { dispatcher.breakerStates()["down"]?.name == "open" }

                    // Another endpoint setting changed, the breaker's did not: it stays open.
                    var moved = down
                    moved.endpoint.timeout = 7
                    dispatcher.reconfigure(departments: [moved])
                    #expect(dispatcher.breakerStates()["down"]?.name == "open")

                    // New breaker settings start a new breaker, closed; the endpoint has recovered.
                    downstream.setDefault(.status(200))
                    moved.endpoint.breaker = CircuitBreakerPolicy(
                        failureThreshold: 4, openDuration: 60, maxOpenDuration: 60)
                    dispatcher.reconfigure(departments: [moved])
                    #expect(dispatcher.breakerStates()["down"]?.name == "closed")
                    try await expectEventually {
                        try await store.outboxDepth() == 0
                    }
                }
            }
        }
    }
}
