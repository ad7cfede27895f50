import HTTPTypes
import Metrics
import Synchronization

/// Per-route request counters and timings, under the names Hummingbird's own metrics
/// middleware used: `hb_requests`, `hb_request_errors`, `http_server_request_duration` (by route,
/// method and status) and `http_server_active_requests` (by method).
///
/// Handles are made once per label set and kept: the metrics factory's own lookup is slower.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private struct Handles {
        let requests: Counter
        /// Only for error statuses: a series `hb_request_errors{error_type="200"} 0` for every
        /// successful route would read as an error kind that exists.
        let errors: Counter?
        let duration: Timer
    }

    private let handles = Mutex<[Key: Handles]>([:])
    private let activeMeters = Mutex<[HTTPRequest.Method: Meter]>([:])

    /// Counts the request as active; hand what it returns to ``finished(_:active:route:status:failed:nanoseconds:)``,
    /// so the gauge is looked up once per request.
    func started(_ method: HTTPRequest.Method) -> Meter {
        let meter = activeMeter(method)
        meter.increment()
        return meter
    }

    /// Counts a response (`failed`: it came from a thrown error) and records its time.
    func finished(
        _ method: HTTPRequest.Method, active: Meter, route: String, status: HTTPResponse.Status, failed: Bool,
        nanoseconds: UInt64
    ) {
        let key = Key(route: route, method: method, status: status.code)
        let handles = handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let made = Self.makeHandles(key)
            handles[key] = made
            return made
        }
        handles.requests.increment()
        if failed { handles.errors?.increment() }
        handles.duration.recordNanoseconds(Int64(clamping: nanoseconds))
        active.decrement()
    }

    private func activeMeter(_ method: HTTPRequest.Method) -> Meter {
        activeMeters.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            meters[method] = meter
            return meter
        }
    }

    private static func makeHandles(_ key: Key) -> Handles {
        let dimensions = [
            ("http.route", key.route), ("http.request.method", key.method.rawValue),
            ("http.response.status_code", String(key.status)),
        ]
        return Handles(
            requests: Counter(label: "hb.requests", dimensions: dimensions),
            errors: key.status < 400
                ? nil
                : Counter(
                    label: "hb.request.errors",
                    dimensions: [
                        ("http.route", key.route), ("http.request.method", key.method.rawValue),
                        ("error.type", String(key.status)),
                    ]),
            duration: Timer(
                label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
    }
}
