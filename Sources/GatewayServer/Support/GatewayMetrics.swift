import Metrics
import Prometheus

/// The process-wide Prometheus registry. swift-metrics can be bootstrapped once per process,
/// so every caller (the server, tests starting several gateways) shares this one.
public enum GatewayMetrics {
    /// Bootstraps swift-metrics with Prometheus on first use and returns the registry `/metrics` serves.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Commits take milliseconds; the default buckets (from 5 ms) would hide every change.
        factory.durationHistogramBuckets["cg_store_commit_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .seconds(1),
        ]
        // Operations per commit: 1 at light load, up to the writer's batch limit (512) under
        // load; the default buckets (from 5 to 10,000) could not tell 1 from 5.
        factory.valueHistogramBuckets["cg_store_commit_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}
