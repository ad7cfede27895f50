import Foundation

/// The requests an endpoint with a ``DeliveryRate`` may start now: a token bucket that refills
/// at the rate and holds one second's share (at least one request), so sends are spread over
/// time instead of going out as a burst and then nothing.
///
/// It starts full. Over any period T no more than `capacity + rate × T` requests start.
public struct TokenBucket: Sendable, Hashable {
    public let rate: DeliveryRate
    /// At most this many tokens are kept.
    public let capacity: Double
    private var tokens: Double
    private var updated: Date

    public init(rate: DeliveryRate, now: Date = Date()) {
        self.rate = rate
        capacity = max(1, rate.perSecond)
        tokens = capacity
        updated = now
    }

    /// Whole requests that may start at `now`.
    public mutating func available(now: Date) -> Int {
        refill(now: now)
        return Int(tokens.rounded(.down))
    }

    /// Counts `count` requests started at `now`.
    public mutating func take(_ count: Int, now: Date) {
        refill(now: now)
        tokens -= Double(count)
    }

    /// How long from `now` until one more request may start (0 when one may start now).
    public func timeUntilNext(now: Date) -> TimeInterval {
        let current = min(capacity, tokens + max(0, now.timeIntervalSince(updated)) * rate.perSecond)
        return current >= 1 ? 0 : (1 - current) / rate.perSecond
    }

    private mutating func refill(now: Date) {
        let elapsed = now.timeIntervalSince(updated)
        guard elapsed > 0 else { return }
        tokens = min(capacity, tokens + elapsed * rate.perSecond)
        updated = now
    }
}
