import Foundation
import Storage

/// Turns one attempt's result into what to record and what happens next. Pure: no I/O, time
/// and randomness come in as arguments, so the schedule is testable without sockets.
public enum DeliveryDecision {
    /// - Parameters:
    ///   - attempt: this attempt's number (1 for the first).
    ///   - result: what the endpoint did.
    ///   - startedAt: when the attempt began; `finishedAt`: when the result came.
    /// - Returns: the resolution (delivered, retry at a time, or dead) and a short error text.
    public static func resolve<R: RandomNumberGenerator>(
        attempt: Int, result: TransportResult, policy: RetryPolicy, finishedAt: Date, using generator: inout R
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
            return (.retry(at: finishedAt.addingTimeInterval(delay)), "retry", reason)
        }
    }
}
