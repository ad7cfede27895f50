import ComplaintCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage
import Synchronization

/// Delivers committed complaints from the outbox to their departments, at least once.
///
/// Claims due items from the store, POSTs each record with its `Idempotency-Key`, and records
/// every attempt with its resolution (delivered, retry later, dead letter). Undelivered items
/// stay in the store, so a restart picks them up again; an attempt cut short by a crash is
/// re-sent with the same key and the receiver deduplicates.
public final class OutboxDispatcher: Service, Sendable {
    /// Dispatcher settings (`dispatch:` in gateway.yaml).
    public struct Settings: Sendable, Hashable {
        /// `max_in_flight` (default 64): concurrent deliveries across all departments.
        public var maxInFlight: Int
        /// `poll_interval_ms` (default 1000): how often to look for due retries when nothing wakes it.
        public var pollInterval: Duration
        /// How long a claimed item is withheld from others before it is handed out again.
        public var leaseDuration: TimeInterval
        /// `paused` (default false): accept and store, deliver nothing. The outbox keeps every
        /// complaint and delivery starts when the gateway runs unpaused (e.g. endpoints not live yet).
        public var paused: Bool

        public init(
            maxInFlight: Int = 64, pollInterval: Duration = .seconds(1), leaseDuration: TimeInterval = 300,
            paused: Bool = false
        ) {
            self.paused = paused
            self.maxInFlight = maxInFlight
            self.pollInterval = pollInterval
            self.leaseDuration = leaseDuration
        }
    }

    private let store: any ComplaintStore
    private let transport: any DeliveryTransport
    private let departments: [String: Department]
    private let settings: Settings
    private let logger: Logger
    private let wake = WakeSignal()
    private let inFlight = Mutex<[String: Int]>([:])
    private let metrics = DispatchMetrics()

    public init(
        store: any ComplaintStore, transport: any DeliveryTransport, departments: [Department],
        settings: Settings = Settings(), logger: Logger = Logger(label: "cg.dispatch")
    ) {
        self.store = store
        self.transport = transport
        self.departments = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        self.logger = logger
    }

    /// Tells the dispatcher new work was committed.
    public func notifyNewWork() { wake.signal() }

    public func run() async throws {
        if settings.paused {
            logger.warning("dispatch is paused (dispatch.paused): complaints are stored but not delivered")
            try? await gracefulShutdown()
            try await transport.shutdown()
            return
        }
        let stopping = Atomic<Bool>(false)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // Claims wait until a quarter of the slots are free (or none is busy), so a
                // steady stream of completions does not turn into one outbox query per delivery.
                let batch = max(1, settings.maxInFlight / 4)
                while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                    let busy = totalInFlight()
                    var claimedAll = false
                    if busy == 0 || settings.maxInFlight - busy >= batch {
                        let free = settings.maxInFlight - busy
                        let claimed = await claim(limit: free)
                        for item in claimed {
                            group.addTask { await self.deliver(item) }
                        }
                        claimedAll = !claimed.isEmpty && claimed.count == free
                    }
                    if !claimedAll {
                        await wake.wait(timeout: busy == 0 ? await idleWait() : settings.pollInterval)
                    }
                }
                // In-flight deliveries finish (each bounded by its timeout) before the group returns.
            }
        } onGracefulShutdown: {
            stopping.store(true, ordering: .relaxed)
            self.wake.signal()
        }
        try await transport.shutdown()
    }

    private func claim(limit: Int) async -> [OutboxItem] {
        guard limit > 0 else { return [] }
        do {
            let items = try await store.claimDueDeliveries(
                limit: limit, now: Date(), leaseDuration: settings.leaseDuration)
            metrics.updateDepth(store)
            return items
        } catch {
            logger.error("cannot read the outbox", metadata: ["cg.error": "\(error)"])
            return []
        }
    }

    /// Sleep until the next retry is due, at most one poll interval.
    private func idleWait() async -> Duration {
        guard let next = try? await store.nextDueTime() else { return settings.pollInterval }
        let seconds = next.timeIntervalSinceNow
        if seconds <= 0 { return .milliseconds(20) }
        return min(settings.pollInterval, .milliseconds(Int64(seconds * 1000) + 1))
    }

    private func totalInFlight() -> Int { inFlight.withLock { $0.values.reduce(0, +) } }

    private func deliver(_ item: OutboxItem) async {
        inFlight.withLock { $0[item.department, default: 0] += 1 }
        defer {
            inFlight.withLock { $0[item.department, default: 1] -= 1 }
            wake.signal()
        }
        let attemptNumber = item.attempts + 1
        guard let department = departments[item.department] else {
            // The department left the configuration: hold the complaint, it is not lost.
            await record(
                item,
                DeliveryAttempt(
                    attempt: attemptNumber, department: item.department, url: "", startedAt: Date(),
                    latencyMilliseconds: 0,
                    statusCode: nil, outcome: "retry",
                    error: "no endpoint configured for department \(item.department)",
                    responseSnippet: nil), .retry(at: Date().addingTimeInterval(300)))
            return
        }
        let endpoint = department.endpoint
        var headers = [
            HeaderField(name: "Content-Type", value: "application/json"),
            HeaderField(name: "Idempotency-Key", value: item.complaintID),
            HeaderField(name: "User-Agent", value: "complaint-gateway"),
        ]
        headers.append(contentsOf: endpoint.headers)
        let started = Date()
        let clock = ContinuousClock()
        let begin = clock.now
        let result = await transport.post(
            url: endpoint.url, headers: headers, body: item.body, timeout: endpoint.timeout)
        let elapsed = clock.now - begin
        let latencyMS = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var generator = SystemRandomNumberGenerator()
        let (resolution, outcome, error) = DeliveryDecision.resolve(
            attempt: attemptNumber, result: result, policy: endpoint.retry, finishedAt: Date(), using: &generator)
        var status: Int?
        var snippet: String?
        if case .response(let code, _, let body) = result {
            status = code
            snippet = body.isEmpty ? nil : body
        }
        let attempt = DeliveryAttempt(
            attempt: attemptNumber, department: department.id, url: endpoint.url, startedAt: started,
            latencyMilliseconds: latencyMS, statusCode: status, outcome: outcome, error: error, responseSnippet: snippet
        )
        await record(item, attempt, resolution)
    }

    private func record(_ item: OutboxItem, _ attempt: DeliveryAttempt, _ resolution: DeliveryResolution) async {
        metrics.count(resolution, department: attempt.department)
        var metadata: Logger.Metadata = [
            "cg.complaint_id": "\(item.complaintID)", "cg.department": "\(attempt.department)",
            "cg.attempt": "\(attempt.attempt)", "cg.outcome": "\(attempt.outcome)",
        ]
        if let error = attempt.error { metadata["cg.error"] = "\(error)" }
        logger.log(level: resolution == .delivered ? .debug : .warning, "delivery attempt", metadata: metadata)
        do {
            try await store.recordDelivery(complaintID: item.complaintID, attempt: attempt, resolution: resolution)
        } catch {
            // The item stays pending in the store and its lease expires: it will be re-sent, not lost.
            logger.error(
                "cannot record a delivery attempt",
                metadata: [
                    "cg.complaint_id": "\(item.complaintID)", "cg.error": "\(error)",
                ])
        }
    }
}
