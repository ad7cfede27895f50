import ComplaintDispatch
import Foundation
import Testing

/// The backoff schedule: exponential bound, full jitter, Retry-After, cap, exhaustion.
@Suite struct RetryPolicyTests {
    @Test func boundDoublesFromBaseAndCapsAtMaxDelay() {
        let policy = RetryPolicy(maxAttempts: 12, baseDelay: 1, maxDelay: 600)
        let bounds = (1...12).map { policy.bound(afterAttempt: $0) }
        #expect(bounds == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600])
        #expect(policy.bound(afterAttempt: 0) == 1)
        #expect(policy.bound(afterAttempt: 1_000) == 600)
        #expect(policy.bound(afterAttempt: Int.max) == 600)
    }

    @Test func fractionalBaseDelay() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.05, maxDelay: 0.2)
        #expect((1...5).map { policy.bound(afterAttempt: $0) } == [0.05, 0.1, 0.2, 0.2, 0.2])
    }

    @Test(arguments: [1, 2, 5, 10, 11, 30])
    func delayIsDrawnWithinZeroAndTheBound(attempt: Int) {
        let policy = RetryPolicy(maxAttempts: 40, baseDelay: 1, maxDelay: 600)
        let bound = policy.bound(afterAttempt: attempt)
        var generator = SeededGenerator(seed: UInt64(attempt))
        let draws = (0..<2_000).map { _ in policy.delay(afterAttempt: attempt, using: &generator) }
        #expect(draws.allSatisfy { $0 >= 0 && $0 <= bound })
        // Full jitter: the draws spread over the whole range, not just near the bound.
        #expect(draws.min()! < bound * 0.05)
        #expect(draws.max()! > bound * 0.95)
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - bound / 2) < bound * 0.05)
    }

    @Test func sameSeedGivesTheSameSchedule() {
        let policy = RetryPolicy()
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (1...12).map { policy.delay(afterAttempt: $0, using: &first) }
        let b = (1...12).map { policy.delay(afterAttempt: $0, using: &second) }
        #expect(a == b)
    }

    @Test func retryAfterRaisesTheDelay() {
        let policy = RetryPolicy(maxAttempts: 12, baseDelay: 1, maxDelay: 600)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            // The jitter after attempt 1 is at most 1 s: the server's 30 s wins.
            #expect(policy.delay(afterAttempt: 1, retryAfter: 30, using: &generator) == 30)
            let late = policy.delay(afterAttempt: 9, retryAfter: 30, using: &generator)
            #expect(late >= 30 && late <= 256)
        }
    }

    @Test func maxDelayCapsRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 12, baseDelay: 1, maxDelay: 120)
        var generator = SeededGenerator(seed: 9)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 86_400, using: &generator) == 120)
        #expect(policy.delay(afterAttempt: 20, retryAfter: 86_400, using: &generator) == 120)
    }

    @Test func zeroRetryAfterLeavesTheJitter() {
        let policy = RetryPolicy(maxAttempts: 12, baseDelay: 10, maxDelay: 600)
        var generator = SeededGenerator(seed: 3)
        let draws = (0..<200).map { _ in policy.delay(afterAttempt: 1, retryAfter: 0, using: &generator) }
        #expect(draws.allSatisfy { $0 >= 0 && $0 <= 10 })
        #expect(Set(draws).count > 100)
    }

    @Test func isExhaustedAtMaxAttempts() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(!policy.isExhausted(afterAttempt: 1))
        #expect(!policy.isExhausted(afterAttempt: 2))
        #expect(policy.isExhausted(afterAttempt: 3))
        #expect(policy.isExhausted(afterAttempt: 4))
        #expect(RetryPolicy(maxAttempts: 1).isExhausted(afterAttempt: 1))
    }

    @Test func defaultsMatchTheDocumentedConfiguration() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 12)
        #expect(policy.baseDelay == 1)
        #expect(policy.maxDelay == 600)
    }
}
