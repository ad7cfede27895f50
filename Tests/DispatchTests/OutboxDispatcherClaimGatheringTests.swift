import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// A trickle of new complaints is claimed in gathered batches, not one claim per commit.
@Suite struct OutboxDispatcherClaimGatheringTests {
    @Test func claimsUnderATrickleAreHeldOffUntilABatchGathers() async throws {
        let downstream = DownstreamServer(scripts: [:])
        try await downstream.run { base in
            try await withStore { store in
                let water = department("water", url: "\(base)/water")
                try await withDispatcher(store: store, departments: [water]) { dispatcher in
                    var ids: [String] = []
                    let clock = ContinuousClock()
                    let before = dispatcher.claimsMade
                    let start = clock.now
                    for _ in 0..<30 {
                        let submission = Fixtures.submission(department: "water")
                        _ = try await store.ingest(submission)
                        ids.append(submission.record.id)
                        dispatcher.notifyNewWork()
                        try await Task.sleep(for: .milliseconds(1))
                    }
                    let allDelivered = try await eventually {
                        try await store.outboxDepth() == 0 && downstream.requests.count == ids.count
                    }
                    let window = clock.now - start
                    let claims = dispatcher.claimsMade - before
                    #expect(allDelivered)
                    // Each claim that found the outbox short holds off the next for 10 ms; none
                    // here fills the free slots (the department allows 4 of 8), so at most one
                    // claim per 10 ms of the window, plus the one under way when it began.
                    let bound = Int(window / .milliseconds(10)) + 2
                    #expect(claims <= bound, "\(claims) claims in \(window)")
                    #expect(claims >= 1)
                }
                #expect(Set(downstream.requests.map(\.idempotencyKey)).count == 30)
            }
        }
    }
}
