import Foundation
import Metrics
import Storage
import Synchronization

/// Dispatcher counters and the outbox depth gauge (labels are department ids).
final class DispatchMetrics: Sendable {
    private let depth = Gauge(label: "cg_outbox_depth")
    /// `cg_outbox_claims_total`: reads of the outbox for due items.
    private let claims = Counter(label: "cg_outbox_claims_total")
    private let lastDepthUpdate = Mutex<Date>(.distantPast)

    /// Counters by label and department, made once: making one goes through the metrics factory's
    /// registry (a lock and label strings), which cost more than the increment on every delivery.
    private let counters = Mutex<[String: [String: Counter]]>([:])
    /// Gauges by label and department, made once for the same reason (recorded on every claim).
    private let gauges = Mutex<[String: [String: Gauge]]>([:])

    func count(_ resolution: DeliveryResolution, department: String) {
        let label: String
        switch resolution {
        case .delivered: label = "cg_deliveries_delivered_total"
        case .retry: label = "cg_deliveries_retried_total"
        case .dead: label = "cg_deliveries_dead_lettered_total"
        }
        let counter = counters.withLock { counters in
            if let counter = counters[label]?[department] { return counter }
            let counter = Counter(label: label, dimensions: [("department", department)])
            counters[label, default: [:]][department] = counter
            return counter
        }
        counter.increment()
    }

    func claimed() { claims.increment() }

    /// `cg_dispatch_breaker_state{department}`: 0 closed, 1 half-open, 2 open.
    func breaker(_ state: CircuitBreaker.State, department: String) {
        gauge("cg_dispatch_breaker_state", department).record(state.metricValue)
    }

    /// `cg_dispatch_rate_limited{department}`: 1 while the endpoint's `rate_limit` lets no
    /// request start although it has free slots (its queue, if any, waits for the rate), else 0.
    func rateLimited(_ held: Bool, department: String) {
        gauge("cg_dispatch_rate_limited", department).record(held ? 1 : 0)
    }

    /// Drops a department's gauges (a reload removed it): /metrics stops showing its last state.
    func forget(department: String) {
        let dropped = gauges.withLock { gauges in
            gauges.keys.compactMap { label in gauges[label]?.removeValue(forKey: department) }
        }
        for gauge in dropped { gauge.destroy() }
    }

    private func gauge(_ label: String, _ department: String) -> Gauge {
        gauges.withLock { gauges in
            if let gauge = gauges[label]?[department] { return gauge }
            let gauge = Gauge(label: label, dimensions: [("department", department)])
            gauges[label, default: [:]][department] = gauge
            return gauge
        }
    }

    /// Refreshes the depth gauge at most once a second: counting is a query, not free.
    func updateDepth(_ store: any ComplaintStore) {
        let now = Date()
        let due = lastDepthUpdate.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= 1 else { return false }
            last = now
            return true
        }
        guard due else { return }
        Task { await recordDepth(store) }
    }

    /// Counts the outbox now: for a scrape, which must see the depth even when nothing is claimed
    /// (dispatch paused, every breaker open), just when the queue grows.
    func refreshDepth(_ store: any ComplaintStore) async {
        lastDepthUpdate.withLock { $0 = Date() }
        await recordDepth(store)
    }

    private func recordDepth(_ store: any ComplaintStore) async {
        if let value = try? await store.outboxDepth() { depth.record(value) }
    }
}
