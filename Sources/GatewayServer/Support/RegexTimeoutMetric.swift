import Metrics
import Routing
import Synchronization

/// `cg_routing_regex_timeouts_total`: rule regexes stopped at their time budget (a pattern that
/// backtracks catastrophically on some text). Routing counts them in the process; this brings the
/// count into the metrics when they are scraped.
enum RegexTimeoutMetric {
    private static let counter = Counter(label: "cg_routing_regex_timeouts_total")
    private static let reported = Mutex(0)

    static func refresh() {
        let total = RulePattern.timeouts
        let delta = reported.withLock { reported in
            defer { reported = total }
            return total - reported
        }
        if delta > 0 { counter.increment(by: delta) }
    }
}
