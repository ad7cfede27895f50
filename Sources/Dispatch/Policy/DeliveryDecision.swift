import Foundation
import Storage

/// Turns one attempt's result into what to record and what happens next. Pure: no I/O, time
/// and randomness come in as arguments, so the schedule is testable without sockets.
public enum DeliveryDecision {
    /// - Parameters:
    ///   - attempt: this attempt's number (1 for the first).
    ///   - result: what the endpoint did.
    ///   - finishedAt: when the result came.
    ///   - firstAttemptAt: when this delivery's first attempt began (since the last replay), for
    ///     the give-up time; nil counts from `finishedAt`.
    /// - Returns: the resolution (delivered, retry at a time, or dead) and a short error text.
    public static func resolve<R: RandomNumberGenerator>(
        attempt: Int, result: TransportResult, policy: RetryPolicy, finishedAt: Date, firstAttemptAt: Date? = nil,
        using generator: inout R
    ) -> (resolution: DeliveryResolution, outcome: String, error: String?) {
        switch DeliveryClassification.classify(result, now: finishedAt) {
        case .success:
            return (.delivered, "delivered", nil)
        case .dontRetry(let reason):
            return (.dead, "dead", "\(reason): permanent failure, not retried")
        case .retry(let reason, let retryAfter):
            if policy.isExhausted(afterAttempt: attempt) {
                return (.dead, "dead", "\(reason); gave up after \(attempt) attempts")
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
            let retryAt = finishedAt.addingTimeInterval(delay)
            if policy.isPastGiveUp(retryAt: retryAt, firstAttemptAt: firstAttemptAt ?? finishedAt) {
                let limit = Int(policy.giveUpAfter.rounded())
                return (.dead, "dead", "\(reason); gave up after \(attempt) attempts (give-up time \(limit) s)")
            }
            return (.retry(at: retryAt), "retry", reason)
        }
    }
}
