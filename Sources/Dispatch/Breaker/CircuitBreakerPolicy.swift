import Foundation

/// When a department's endpoint is considered down (`endpoint.circuit_breaker` in departments.yaml).
///
/// ```yaml
/// circuit_breaker: { failure_threshold: 5, open_ms: 30000, max_open_ms: 600000 }
/// ```
public struct CircuitBreakerPolicy: Sendable, Hashable {
    /// `failure_threshold` (default 5): consecutive retryable failures that open the breaker.
    public var failureThreshold: Int
    /// `open_ms` (default 30000): how long the breaker stays open before a half-open probe.
    public var openDuration: TimeInterval
    /// `max_open_ms` (default 600000): the open period doubles after each failed probe, up to this.
    public var maxOpenDuration: TimeInterval

    public init(failureThreshold: Int = 5, openDuration: TimeInterval = 30, maxOpenDuration: TimeInterval = 600) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
        self.maxOpenDuration = maxOpenDuration
    }
}
