import ComplaintDispatch
import Foundation
import Testing

/// The breaker's state machine, driven with explicit times.
@Suite struct CircuitBreakerTests {
    let start = Date(timeIntervalSince1970: 1_000_000)
    let policy = CircuitBreakerPolicy(failureThreshold: 3, openDuration: 10, maxOpenDuration: 25)

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(policy: policy)
        #expect(breaker.allowance(now: start) == nil)
        breaker.record(.failure, now: start)
        breaker.record(.failure, now: start)
        breaker.record(.healthy, now: start)  // the run is broken: count starts again
        breaker.record(.failure, now: start)
        breaker.record(.failure, now: start)
        #expect(breaker.state == .closed(consecutiveFailures: 2))
        breaker.record(.failure, now: start)
        #expect(breaker.state == .open(until: start.addingTimeInterval(10)))
        #expect(breaker.allowance(now: start.addingTimeInterval(9.9)) == 0)
        #expect(breaker.reopensAt == start.addingTimeInterval(10))
    }

    @Test func halfOpenAllowsOneProbeAndClosesOnSuccess() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<3 { breaker.record(.failure, now: start) }
        let later = start.addingTimeInterval(10)
        #expect(breaker.allowance(now: later) == 1)
        #expect(breaker.state == .halfOpen(probeInFlight: false))
        breaker.started(0)  // nothing was due: the probe is still available
        #expect(breaker.allowance(now: later) == 1)
        breaker.started(1)
        #expect(breaker.allowance(now: later) == 0)
        breaker.record(.healthy, now: later)
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        #expect(breaker.allowance(now: later) == nil)
    }

    @Test func aProbeNotSentFreesTheProbe() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<3 { breaker.record(.failure, now: start) }
        let later = start.addingTimeInterval(10)
        #expect(breaker.allowance(now: later) == 1)
        breaker.started(1)
        #expect(breaker.allowance(now: later) == 0)
        breaker.notSent()  // its body could not be rendered: nothing reached the endpoint
        #expect(breaker.state == .halfOpen(probeInFlight: false))
        #expect(breaker.allowance(now: later) == 1)
        // Closed or open, it changes nothing.
        var closed = CircuitBreaker(policy: policy)
        closed.notSent()
        #expect(closed.state == .closed(consecutiveFailures: 0))
    }

    @Test func failedProbesDoubleTheOpenPeriodUpToTheCap() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<3 { breaker.record(.failure, now: start) }
        var now = start.addingTimeInterval(10)
        #expect(breaker.allowance(now: now) == 1)
        breaker.started(1)
        breaker.record(.failure, now: now)
        #expect(breaker.state == .open(until: now.addingTimeInterval(20)))
        now = now.addingTimeInterval(20)
        #expect(breaker.allowance(now: now) == 1)
        breaker.started(1)
        breaker.record(.failure, now: now)
        #expect(breaker.state == .open(until: now.addingTimeInterval(25)))
        // Failures of attempts started before it opened change nothing.
        breaker.record(.failure, now: now)
        #expect(breaker.state == .open(until: now.addingTimeInterval(25)))
        #expect(breaker.state.metricValue == 2)
        #expect(breaker.state.name == "open")
    }

    /// An endpoint failing half its requests is degraded, not down: runs of failures come and go
    /// with successes between them, the failure rate stays near one half, the breaker stays closed.
    @Test func aFlappingEndpointKeepsItsBreakerClosed() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failureThreshold: 5))
        var generator = SeededGenerator(seed: 7)
        var longestRun = 0
        var run = 0
        for _ in 0..<2_000 {
            let failed = Bool.random(using: &generator)
            run = failed ? run + 1 : 0
            longestRun = max(longestRun, run)
            breaker.record(failed ? .failure : .healthy, now: start)
            #expect(breaker.reopensAt == nil)
        }
        #expect(longestRun >= 5)  // runs past the threshold did happen
    }

    /// A healthy endpoint that goes down opens once failures fill the recent window enough.
    @Test func anEndpointGoingDownOpensWhenFailuresDominate() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failureThreshold: 5, failureRate: 0.8))
        for _ in 0..<CircuitBreaker.window { breaker.record(.healthy, now: start) }
        for failures in 1...31 {
            breaker.record(.failure, now: start)
            #expect(breaker.state == .closed(consecutiveFailures: failures))
        }
        breaker.record(.failure, now: start)  // 32 of the last 40: 0.8
        #expect(breaker.state == .open(until: start.addingTimeInterval(30)))
    }

    /// `failure_rate: 0` leaves consecutive failures as the only condition.
    @Test func aZeroRateMeansConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failureThreshold: 3, failureRate: 0))
        for _ in 0..<CircuitBreaker.window { breaker.record(.healthy, now: start) }
        for _ in 0..<3 { breaker.record(.failure, now: start) }
        #expect(breaker.reopensAt != nil)
    }
}
