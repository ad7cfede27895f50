import Foundation

/// One endpoint's circuit breaker: an I/O-free state machine the dispatcher consults before
/// claiming work for the endpoint and feeds with every attempt's result.
///
/// Closed, it lets everything through and counts consecutive failures; at the threshold, when
/// failures are also at least `failure_rate` of the endpoint's recent results, it opens and lets
/// nothing through, so the department's queue is held in the outbox (nothing is
/// attempted, nothing is dead-lettered) while the other departments go on. After the open
/// period it turns half-open and lets exactly one probe through: success closes it, failure
/// opens it again for twice as long (capped).
public struct CircuitBreaker: Sendable, Hashable {
    /// The breaker's state, also exported as a metric (`cg_dispatch_breaker_state`).
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: Date)
        case halfOpen(probeInFlight: Bool)

        /// 0 closed, 1 half-open, 2 open.
        public var metricValue: Int {
            switch self {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
        }

        /// `closed`, `half_open`, `open`.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .halfOpen: "half_open"
            case .open: "open"
            }
        }
    }

    /// What an attempt's result means for the endpoint's health.
    public enum Signal: Sendable, Hashable {
        /// It answered as a live endpoint does (2xx, or a permanent 4xx: the endpoint is up).
        case healthy
        /// It failed in a way a retry might fix (408, 429, 5xx, timeout, refused, reset).
        case failure
    }

    public let policy: CircuitBreakerPolicy
    public private(set) var state: State = .closed(consecutiveFailures: 0)
    /// Failed probes since the breaker last closed: each doubles the next open period.
    private var failedProbes = 0
    /// The last ``window`` results, true for a failure (a ring: `next` is the oldest slot).
    private var recent: [Bool] = []
    private var next = 0

    /// How many recent results the failure rate is taken over. At a 50% error rate a run of 5
    /// failures comes every ~60 requests, but 32 failures in 40 results about once in 10,000;
    /// an endpoint that goes down opens its breaker after at most 32 failures.
    public static let window = 40

    public init(policy: CircuitBreakerPolicy) { self.policy = policy }

    /// How many new attempts may start at `now` (nil: no limit from the breaker). An open
    /// breaker whose period has passed turns half-open here and allows one probe.
    public mutating func allowance(now: Date) -> Int? {
        switch state {
        case .closed:
            return nil
        case .open(let until):
            guard now >= until else { return 0 }
            state = .halfOpen(probeInFlight: false)
            return 1
        case .halfOpen(let probeInFlight):
            return probeInFlight ? 0 : 1
        }
    }

    /// Notes that attempts were started (a half-open breaker's probe is then out).
    public mutating func started(_ count: Int) {
        if case .halfOpen = state, count > 0 { state = .halfOpen(probeInFlight: true) }
    }

    /// Notes that a claimed attempt sent nothing (its body template could not render the record,
    /// or its department was removed): it says nothing of the endpoint's health, and a half-open
    /// breaker's probe is free again, or the breaker would wait for a result that never comes.
    public mutating func notSent() {
        if case .halfOpen(true) = state { state = .halfOpen(probeInFlight: false) }
    }

    /// Feeds one attempt's result.
    public mutating func record(_ signal: Signal, now: Date) {
        remember(failure: signal == .failure)
        switch (state, signal) {
        case (_, .healthy):
            state = .closed(consecutiveFailures: 0)
            failedProbes = 0
        case (.closed(let failures), .failure):
            if failures + 1 >= policy.failureThreshold && failureRate >= policy.failureRate {
                state = .open(until: now.addingTimeInterval(policy.openDuration))
            } else {
                state = .closed(consecutiveFailures: failures + 1)
            }
        case (.halfOpen, .failure):
            failedProbes += 1
            let period = min(policy.maxOpenDuration, policy.openDuration * pow(2, Double(min(failedProbes, 30))))
            state = .open(until: now.addingTimeInterval(period))
        case (.open, .failure):
            // An attempt started before the breaker opened: the breaker stays as it is.
            break
        }
    }

    /// The share of failures among the recent results (over fewer when fewer came yet).
    public var failureRate: Double {
        recent.isEmpty ? 0 : Double(recent.count(where: { $0 })) / Double(recent.count)
    }

    private mutating func remember(failure: Bool) {
        if recent.count < Self.window {
            recent.append(failure)
        } else {
            recent[next] = failure
            next = (next + 1) % Self.window
        }
    }

    /// When an open breaker will allow a probe; nil when it is not open.
    public var reopensAt: Date? {
        if case .open(let until) = state { return until }
        return nil
    }
}
