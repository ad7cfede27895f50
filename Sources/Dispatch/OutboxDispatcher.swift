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

    let store: any ComplaintStore
    /// The transport for new deliveries; ``reconfigure(departments:transport:)`` may replace it.
    let transport: Mutex<any DeliveryTransport>
    /// The departments in force; ``reconfigure(departments:transport:)`` replaces the table whole.
    let table: Mutex<DepartmentTable>
    let settings: Settings
    let logger: Logger
    let wake = WakeSignal()
    /// The claim loop waits with every slot taken: the first slot freed wakes it (to start the
    /// claim deferral), not only a quarter of them.
    let waitingWhileFull = Atomic<Bool>(false)
    let inFlight = Mutex<[String: Int]>([:])
    let breakers: Mutex<[String: CircuitBreaker]>
    /// Endpoints with a `rate_limit`: what each may start now, and when the next claim should
    /// look again for one that was held back by its rate (nil: none was).
    let rates: Mutex<(buckets: [String: TokenBucket], retryAt: Date?)>
    let metrics = DispatchMetrics()
    /// Where the next claim starts its walk over departments, so none is always served last.
    let rotation = Atomic<Int>(0)
    /// Attempts whose result is waiting for its commit.
    let recording = Atomic<Int>(0)
    let batcher = AttemptBatcher()
    let nextDue: NextDueCache
    let claimCount = Atomic<Int>(0)
    /// Set while attempts cannot be recorded (a full disk); the next recorded attempt clears it.
    let recordTrouble = Mutex<RecordTrouble?>(nil)

    /// Claims wait until `until`, each pause twice the last, up to ``maxRecordPause``. The items
    /// whose attempt could not be recorded stay claimed meanwhile (pending again, they would be
    /// sent again at once); they are given back when an attempt is recorded again.
    struct RecordTrouble {
        var until: ContinuousClock.Instant
        var pause: Duration
        var unrecorded: [String] = []
    }

    /// How many times the outbox has been read for due items (also `cg_outbox_claims_total`).
    public var claimsMade: Int { claimCount.load(ordering: .relaxed) }

    public init(
        store: any ComplaintStore, transport: any DeliveryTransport, departments: [Department],
        settings: Settings = Settings(), logger: Logger = Logger(label: "cg.dispatch")
    ) {
        self.store = store
        self.transport = Mutex(transport)
        let table = DepartmentTable(departments)
        self.table = Mutex(table)
        breakers = Mutex(table.byID.mapValues { CircuitBreaker(policy: $0.endpoint.breaker) })
        rates = Mutex((table.byID.compactMapValues { $0.endpoint.rateLimit.map { TokenBucket(rate: $0) } }, nil))
        self.settings = settings
        self.logger = logger
        let poll = settings.pollInterval.components
        nextDue = NextDueCache(maxAge: Double(poll.seconds) + Double(poll.attoseconds) / 1e18)
        for id in table.byID.keys { metrics.breaker(.closed(consecutiveFailures: 0), department: id) }
    }

    /// The ids of the departments in force, sorted.
    public var departmentIDs: [String] { table.withLock { $0.sortedIDs } }

    /// Each department's breaker state now (for operators and tests).
    public func breakerStates() -> [String: CircuitBreaker.State] {
        breakers.withLock { $0.mapValues(\.state) }
    }

    /// Brings the `cg_outbox_depth` gauge up to date (before a scrape): claims refresh it too,
    /// but none happen while dispatch is paused or every department's breaker is open.
    public func refreshOutboxDepth() async { await metrics.refreshDepth(store) }

    /// Tells the dispatcher new work was committed.
    public func notifyNewWork() { wake.signal() }

    public func run() async throws {
        if settings.paused {
            logger.warning("dispatch is paused (dispatch.paused): complaints are stored but not delivered")
            try? await gracefulShutdown()
            try await currentTransport().shutdown()
            return
        }
        let stopping = Atomic<Bool>(false)
        await withGracefulShutdownHandler {
            // Since when a claim has waited for a quarter of the slots to free up.
            var deferredSince: ContinuousClock.Instant?
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                // What a claim would send now could not be recorded either: each request would
                // reach the department with no attempt on record.
                if let pause = recordPauseLeft() {
                    await wake.wait(timeout: pause)
                    continue
                }
                let busy = busySlots()
                let free = settings.maxInFlight - busy
                // Departments that hang keep their slots until their timeout: when they hold more
                // than three quarters, the few slots left are claimed after a short wait, or the
                // other departments would wait for those timeouts.
                let waitedEnough = deferredSince.map { .now - $0 >= Self.claimDeferral } ?? false
                let canClaim = claimable(busy: busy) || (free > 0 && waitedEnough)
                var claimedAll = false
                if canClaim {
                    deferredSince = nil
                    let claimed = await claim(limit: free)
                    if !claimed.isEmpty {
                        let departments = table.withLock { $0 }
                        let transport = currentTransport()
                        for item in claimed { deliver(item, departments, transport) }
                    }
                    claimedAll = !claimed.isEmpty && claimed.count == free
                }
                if claimedAll { continue }
                if canClaim {
                    var timeout = busy == 0 ? await idleWait() : settings.pollInterval
                    if let held = rateRetryDelay() { timeout = min(timeout, held) }
                    await wake.wait(timeout: timeout)
                } else if free > 0 {
                    // Fewer than a quarter free: usually more free up within microseconds and
                    // signal (``wakeIfClaimable()``); if not, claim what is free after the deferral.
                    if deferredSince == nil { deferredSince = .now }
                    await wake.wait(timeout: Self.claimDeferral)
                } else {
                    // Slots are full: the release or commit that frees one signals
                    // (``wakeIfClaimable()``), so no timer is armed per wait. Checked again once
                    // the flag is up: a slot freed just before would not have signalled.
                    deferredSince = nil
                    waitingWhileFull.store(true, ordering: .sequentiallyConsistent)
                    if busySlots() >= settings.maxInFlight { await wake.wait() }
                    waitingWhileFull.store(false, ordering: .sequentiallyConsistent)
                }
            }
            // In-flight deliveries finish (each bounded by its timeout) and their attempts are
            // recorded before the dispatcher returns.
            await drained()
        } onGracefulShutdown: {
            stopping.store(true, ordering: .relaxed)
            self.wake.signal()
        }
        try await currentTransport().shutdown()
    }

    private func currentTransport() -> any DeliveryTransport { transport.withLock { $0 } }

    /// A department's settings behind one reference: each delivery hands it on with one retain,
    /// where copying the struct retained each of its many fields.
    final class Configured: Sendable {
        let id: String
        let endpoint: Department.Endpoint

        init(_ department: Department) {
            id = department.id
            endpoint = department.endpoint
        }
    }

    /// The departments in force, read once per claim.
    final class DepartmentTable: Sendable {
        let byID: [String: Configured]
        let sortedIDs: [String]

        init(_ departments: [Department]) {
            // The first of two with one id wins (the loader refuses duplicates anyway).
            byID = Dictionary(departments.map { ($0.id, Configured($0)) }, uniquingKeysWith: { first, _ in first })
            sortedIDs = byID.keys.sorted()
        }
    }
}
