import Foundation

/// When to try a failed delivery again: exponential backoff with full jitter, capped.
///
/// Full jitter (a uniformly random delay between zero and the exponential bound) spreads the
/// retries of many complaints that failed together, so a department coming back from an
/// outage is not hit by a synchronized wave.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (`max_attempts`, default 12).
    public var maxAttempts: Int
    /// Bound of the delay after the first failure (`base_delay_ms`, default 1000).
    public var baseDelay: TimeInterval
    /// Largest delay between attempts (`max_delay_ms`, default 600000 = 10 min).
    public var maxDelay: TimeInterval
    /// Time from the first attempt after which no retry is scheduled (`give_up_after_ms`,
    /// default 86400000 = 24 h): whichever of this and `maxAttempts` comes first ends the retries.
    public var giveUpAfter: TimeInterval

    public init(
        maxAttempts: Int = 12, baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 600,
        giveUpAfter: TimeInterval = 86_400
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The exponential bound after `attempt` failed attempts: base × 2^(attempt−1), at most `maxDelay`.
    public func bound(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(maxDelay, baseDelay * pow(2, exponent))
    }

    /// The delay before the next attempt, drawn uniformly from [0, bound]; a `Retry-After`
    /// from the server is honoured as a lower limit (still capped by `maxDelay`).
    public func delay<R: RandomNumberGenerator>(
        afterAttempt attempt: Int, retryAfter: TimeInterval? = nil,
        using generator: inout R
    ) -> TimeInterval {
        let jittered = Double.random(in: 0...bound(afterAttempt: attempt), using: &generator)
        guard let retryAfter else { return jittered }
        return min(maxDelay, max(jittered, retryAfter))
    }

    /// Whether attempt number `attempt` was the last one allowed.
    public func isExhausted(afterAttempt attempt: Int) -> Bool { attempt >= maxAttempts }

    /// Whether a retry at `retryAt` would fall past the give-up time counted from `firstAttemptAt`.
    public func isPastGiveUp(retryAt: Date, firstAttemptAt: Date) -> Bool {
        retryAt.timeIntervalSince(firstAttemptAt) > giveUpAfter
    }
}
