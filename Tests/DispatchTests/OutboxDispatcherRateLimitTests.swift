import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// An endpoint's `rate_limit`: its requests are spread at the rate, its queue waits in the
/// outbox meanwhile, and other departments are not slowed.
@Suite struct OutboxDispatcherRateLimitTests {
    @Test func requestsAreSpreadAtTheRateAndOthersAreNotHeld() async throws {
        let downstream = DownstreamServer(scripts: ["/limited": .status(200), "/free": .status(200)])
        try await downstream.run { base in
            try await withStore { store in
                let limitedIDs = try await ingest(25, for: "limited", into: store)
                let freeIDs = try await ingest(25, for: "free", into: store)
                let limited = department("limited", url: "\(base)/limited") {
                    $0.maxInFlight = 8
                    $0.rateLimit = try? DeliveryRate(parsing: "10/s")
                }
                let free = department("free", url: "\(base)/free") { $0.maxInFlight = 8 }
                let settings = OutboxDispatcher.Settings(
                    maxInFlight: 16, pollInterval: .seconds(5), leaseDuration: 60)
                let started = Date()
                try await withDispatcher(store: store, departments: [limited, free], settings: settings) { _ in
                    try await expectEventually { try await all(freeIDs, in: store, are: .delivered) }
                    try await expectEventually { try await all(limitedIDs, in: store, are: .delivered) }
                    // 25 at 10/s with one second's share at once: 10 at the start, then one every
                    // 100 ms, the last 1.5 s after the dispatcher started (which was after `started`:
                    // load can only make requests later). The 5 s poll interval never woke the loop.
                    let times = downstream.requests(to: "/limited").map { $0.receivedAt.timeIntervalSince(started) }
                        .sorted()
                    #expect(times.count == 25)
                    for (index, time) in times.enumerated() where index >= 10 {
                        #expect(time >= Double(index - 9) / 10 - 0.02, "request \(index) too early: \(times)")
                    }
                    #expect(times[24] < 6, "\(times)")
                    // The free department is not held behind the limited one: most of its requests
                    // arrive before the limited department's last (which the limit holds back to
                    // 1.5 s or later); held behind it, none would. Not all, nor a fixed twenty: on a
                    // loaded machine a stall pushes some of them back as well (19 of 25 seen in CI).
                    let freeTimes = downstream.requests(to: "/free").map { $0.receivedAt.timeIntervalSince(started) }
                        .sorted()
                    #expect(
                        freeTimes.count { $0 < times[24] } >= 13,
                        "the free department waited for the limited one: \(freeTimes), limited: \(times)")
                }
                #expect(downstream.requests(to: "/free").count == 25)
            }
        }
    }
}
