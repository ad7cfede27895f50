import ComplaintDispatch
import Foundation
import Storage
import Testing

/// One attempt's result turned into a resolution, outcome and error text.
@Suite struct DeliveryDecisionTests {
    static let finishedAt = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 600)

    private func resolve(_ attempt: Int, _ result: TransportResult, policy: RetryPolicy = Self.policy, seed: UInt64 = 1)
        -> (resolution: DeliveryResolution, outcome: String, error: String?)
    {
        var generator = SeededGenerator(seed: seed)
        return DeliveryDecision.resolve(
            attempt: attempt, result: result, policy: policy, finishedAt: Self.finishedAt, using: &generator)
    }

    @Test func successIsDelivered() {
        let decided = resolve(1, .response(status: 200, headers: [], snippet: "ok"))
        #expect(decided.resolution == .delivered)
        #expect(decided.outcome == "delivered")
        #expect(decided.error == nil)
    }

    @Test func successOnTheLastAttemptIsStillDelivered() {
        #expect(resolve(5, .response(status: 204, headers: [], snippet: "")).resolution == .delivered)
    }

    @Test func permanentFailureIsDeadAtOnce() {
        let decided = resolve(1, .response(status: 400, headers: [], snippet: "bad"))
        #expect(decided.resolution == .dead)
        #expect(decided.outcome == "dead")
        #expect(decided.error == "HTTP 400: permanent failure, not retried")
    }

    @Test func exhaustedRetriesAreDead() {
        let decided = resolve(5, .response(status: 500, headers: [], snippet: ""))
        #expect(decided.resolution == .dead)
        #expect(decided.outcome == "dead")
        #expect(decided.error?.contains("HTTP 500") == true)
        #expect(decided.error?.contains("gave up after 5 attempts") == true)

        let refused = resolve(5, .failed("connection refused"))
        #expect(refused.resolution == .dead)
        #expect(refused.error?.contains("connection refused") == true)
    }

    @Test(arguments: 1...4)
    func transientFailureIsRetriedWithinTheBound(attempt: Int) throws {
        for seed in UInt64(1)...50 {
            let decided = resolve(attempt, .failed("connection reset"), seed: seed)
            #expect(decided.outcome == "retry")
            #expect(decided.error == "connection reset")
            guard case .retry(let at) = decided.resolution else {
                Issue.record("expected a retry, got \(decided.resolution)")
                return
            }
            let delay = at.timeIntervalSince(Self.finishedAt)
            #expect(delay >= 0 && delay <= Self.policy.bound(afterAttempt: attempt))
        }
    }

    @Test func retryAfterIsHonoured() throws {
        let result = TransportResult.response(
            status: 503, headers: [HeaderField(name: "Retry-After", value: "30")], snippet: "busy")
        for seed in UInt64(1)...20 {
            let decided = resolve(1, result, seed: seed)
            #expect(decided.outcome == "retry")
            #expect(decided.error == "HTTP 503")
            guard case .retry(let at) = decided.resolution else {
                Issue.record("expected a retry, got \(decided.resolution)")
                return
            }
            #expect(at >= Self.finishedAt.addingTimeInterval(30))
            #expect(at <= Self.finishedAt.addingTimeInterval(Self.policy.maxDelay))
        }
    }

    @Test func retryAfterHTTPDateCountsFromFinishedAt() throws {
        let result = TransportResult.response(
            status: 429, headers: [HeaderField(name: "Retry-After", value: "Fri, 15 Jan 2027 08:01:40 GMT")],
            snippet: "")
        // finishedAt is 2027-01-15T08:00:00Z; the date is 100 s later.
        guard case .retry(let at) = resolve(1, result).resolution else {
            Issue.record("expected a retry")
            return
        }
        #expect(at == Self.finishedAt.addingTimeInterval(100))
    }
}
