import Foundation

/// When a department's endpoint is considered down (`endpoint.circuit_breaker` in departments.yaml).
///
/// ```yaml
/// circuit_breaker: { failure_threshold: 5, failure_rate: 0.8, open_ms: 30000, max_open_ms: 600000 }
/// ```
public struct CircuitBreakerPolicy: Sendable, Hashable {
    /// `failure_threshold` (default 5): consecutive retryable failures that open the breaker.
    public var failureThreshold: Int
    /// `failure_rate` (default 0.8): the share of failures among the endpoint's last
    /// ``CircuitBreaker/window`` results that must also be reached. An endpoint that is down fails
    /// everything and opens the breaker; one that fails half its requests (a dead node behind a
    /// balancer) stays closed and its complaints get through on retries. 0 disables the condition.
    public var failureRate: Double
    /// `open_ms` (default 30000): how long the breaker stays open before a half-open probe.
    public var openDuration: TimeInterval
    /// `max_open_ms` (default 600000): the open period doubles after each failed probe, up to this.
    public var maxOpenDuration: TimeInterval

    public init(
        failureThreshold: Int = 5, failureRate: Double = 0.8, openDuration: TimeInterval = 30,
        maxOpenDuration: TimeInterval = 600
    ) {
        self.failureThreshold = failureThreshold
        self.failureRate = failureRate
        self.openDuration = openDuration
        self.maxOpenDuration = maxOpenDuration
    }
}
