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
    /// The transport for new deliveries; ``reconfigure(departments:transport:)`` may replace it.
    private let transport: Mutex<any DeliveryTransport>
    /// The departments in force; ``reconfigure(departments:transport:)`` replaces the table whole.
    private let table: Mutex<DepartmentTable>
    private let settings: Settings
    private let logger: Logger
    private let wake = WakeSignal()
    /// The claim loop waits with every slot taken: the first slot freed wakes it (to start the
    /// claim deferral), not only a quarter of them.
    private let waitingWhileFull = Atomic<Bool>(false)
    private let inFlight = Mutex<[String: Int]>([:])
    private let breakers: Mutex<[String: CircuitBreaker]>
    /// Endpoints with a `rate_limit`: what each may start now, and when the next claim should
    /// look again for one that was held back by its rate (nil: none was).
    private let rates: Mutex<(buckets: [String: TokenBucket], retryAt: Date?)>
    private let metrics = DispatchMetrics()
    /// Where the next claim starts its walk over departments, so none is always served last.
    private let rotation = Atomic<Int>(0)
    /// Attempts whose result is waiting for its commit.
    private let recording = Atomic<Int>(0)
    private let batcher = AttemptBatcher()
    private let nextDue: NextDueCache
    private let claimCount = Atomic<Int>(0)
    /// Set while attempts cannot be recorded (a full disk); the next recorded attempt clears it.
    private let recordTrouble = Mutex<RecordTrouble?>(nil)

    /// Claims wait until `until`, each pause twice the last, up to ``maxRecordPause``. The items
    /// whose attempt could not be recorded stay claimed meanwhile (pending again, they would be
    /// sent again at once); they are given back when an attempt is recorded again.
    private struct RecordTrouble {
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

    /// Puts `departments` in force from the next claim on, without a restart.
    ///
    /// A new department starts delivering; a removed one is held (its queue stays in the outbox,
    /// and is delivered if it comes back); a changed endpoint takes its new settings. Deliveries
    /// already in flight finish with the settings they started with. A department whose circuit
    /// breaker or rate limit settings did not change keeps that state (an open breaker stays open).
    /// - Parameter newTransport: replaces the transport for new deliveries (new TLS files or
    ///   proxies); the old one is shut down, which lets the exchanges in flight on it finish.
    public func reconfigure(departments: [Department], transport newTransport: (any DeliveryTransport)? = nil) {
        let new = DepartmentTable(departments)
        let old = table.withLock { table in
            defer { table = new }
            return table
        }
        breakers.withLock { breakers in
            breakers = new.byID.mapValues { department in
                if let kept = breakers[department.id],
                    old.byID[department.id]?.endpoint.breaker == department.endpoint.breaker
                {
                    return kept
                }
                return CircuitBreaker(policy: department.endpoint.breaker)
            }
        }
        rates.withLock { rates in
            rates.buckets = new.byID.compactMapValues { department in
                guard let rate = department.endpoint.rateLimit else { return nil }
                if let kept = rates.buckets[department.id], old.byID[department.id]?.endpoint.rateLimit == rate {
                    return kept
                }
                return TokenBucket(rate: rate)
            }
        }
        for id in new.byID.keys where old.byID[id] == nil {
            metrics.breaker(.closed(consecutiveFailures: 0), department: id)
        }
        for id in old.byID.keys where new.byID[id] == nil { metrics.forget(department: id) }
        if let newTransport {
            let retired = transport.withLock { transport in
                defer { transport = newTransport }
                return transport
            }
            let logger = self.logger
            Task {
                do {
                    try await retired.shutdown()
                } catch {
                    logger.warning(
                        "cannot close the replaced transport",
                        metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
                }
            }
        }
        logger.notice(
            "departments reconfigured",
            metadata: [
                "cg.departments": "\(new.sortedIDs.count)",
                "cg.added": "\(new.sortedIDs.filter { old.byID[$0] == nil })",
                "cg.removed": "\(old.sortedIDs.filter { new.byID[$0] == nil })",
            ])
        wake.signal()
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

    private func claim(limit: Int) async -> [OutboxItem] {
        guard limit > 0 else { return [] }
        let now = Date()
        let quotas = self.quotas(now: now)
        guard !quotas.isEmpty else { return [] }
        claimCount.add(1, ordering: .relaxed)
        metrics.claimed()
        do {
            let items = try await store.claimDueDeliveries(
                quotas: quotas, limit: limit, now: now, leaseDuration: settings.leaseDuration)
            // Counted in one pass: grouping the items into arrays only to count them allocated an
            // array per department on every claim.
            var started: [String: Int] = [:]
            for item in items { started[item.department, default: 0] += 1 }
            // Counted as in flight now, before their tasks start, so the next claim sees them.
            inFlight.withLock { inFlight in
                for (department, count) in started { inFlight[department, default: 0] += count }
            }
            breakers.withLock { breakers in
                for (department, count) in started { breakers[department]?.started(count) }
            }
            rates.withLock { rates in
                for (department, count) in started { rates.buckets[department]?.take(count, now: now) }
            }
            metrics.updateDepth(store)
            return items
        } catch {
            logger.error("cannot read the outbox", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
            return []
        }
    }

    /// How many items each department may start now: its free slots (`max_in_flight` less those
    /// out), no more than its breaker allows; listed from a rotating start so that when
    /// `globalFree` cannot serve them all, none is always served last. Each department gets its
    /// whole quota (not a share of `globalFree`): the store hands the global limit to the first
    /// departments that have something due, so an idle department never wastes a claim.
    /// A department left out is held: its queue stays in the outbox untouched. One whose
    /// `rate_limit` allows fewer than its free slots gets what the rate allows; one that may
    /// start none now is looked at again when its next request may start.
    private func quotas(now: Date) -> [DepartmentQuota] {
        let busy = inFlight.withLock { $0 }
        let departments = table.withLock { $0 }
        let allowed = rates.withLock { rates -> [String: Int] in
            var allowed: [String: Int] = [:]
            rates.retryAt = nil
            for (id, var bucket) in rates.buckets {
                let available = bucket.available(now: now)
                allowed[id] = available
                let free = (departments.byID[id]?.endpoint.maxInFlight ?? 0) - busy[id, default: 0]
                // Held back entirely while it has free slots: look again when a request may start
                // (once, if nothing is queued for it: by then the bucket has a token again).
                let held = available == 0 && free > 0
                metrics.rateLimited(held, department: id)
                if held {
                    let next = now.addingTimeInterval(bucket.timeUntilNext(now: now))
                    rates.retryAt = min(rates.retryAt ?? next, next)
                }
                rates.buckets[id] = bucket
            }
            return allowed
        }
        let ids = departments.sortedIDs
        guard !ids.isEmpty else { return [] }
        let offset = rotation.add(1, ordering: .relaxed).newValue
        var quotas: [DepartmentQuota] = []
        breakers.withLock { breakers in
            for index in ids.indices {
                let id = ids[(index + offset) % ids.count]
                guard let endpoint = departments.byID[id]?.endpoint else { continue }
                var quota = endpoint.maxInFlight - busy[id, default: 0]
                if let allowance = breakers[id]?.allowance(now: now) {
                    quota = min(quota, allowance)
                    metrics.breaker(breakers[id]!.state, department: id)
                }
                if let allowance = allowed[id] { quota = min(quota, allowance) }
                guard quota > 0 else { continue }
                quotas.append(DepartmentQuota(department: id, quota: quota))
            }
        }
        return quotas
    }

    /// Sleep until the next retry of a department that may send is due, or an open breaker's
    /// probe time, at most one poll interval.
    private func idleWait() async -> Duration {
        let now = Date()
        let (sending, reopen) = breakers.withLock { breakers -> (Set<String>, Date?) in
            var sending: Set<String> = []
            var reopen: Date?
            for (id, breaker) in breakers {
                if let at = breaker.reopensAt, at > now {
                    reopen = min(reopen ?? at, at)
                } else {
                    sending.insert(id)
                }
            }
            return (sending, reopen)
        }
        let store = self.store
        let next = await nextDue.next(now: now) { (try? await store.nextDueTime(departments: sending)) ?? nil }
        guard let wake = [next, reopen].compactMap({ $0 }).min() else { return settings.pollInterval }
        let seconds = wake.timeIntervalSinceNow
        if seconds <= 0 { return .milliseconds(20) }
        return min(settings.pollInterval, .milliseconds(Int64(seconds * 1000) + 1))
    }

    /// How soon a department held back by its `rate_limit` may start its next request, when the
    /// last claim held one back.
    private func rateRetryDelay() -> Duration? {
        guard let at = rates.withLock({ $0.retryAt }) else { return nil }
        // At least a millisecond: the bucket's arithmetic may leave a token a hair short.
        return .milliseconds(max(1, Int64((at.timeIntervalSinceNow * 1000).rounded(.up))))
    }

    private func totalInFlight() -> Int { inFlight.withLock { $0.values.reduce(0, +) } }

    /// Slots taken: deliveries in flight, plus attempts waiting for their commit once they exceed a
    /// few batches' worth, so a slow store slows claiming instead of piling up unrecorded results.
    private func busySlots() -> Int {
        let backlog = max(0, recording.load(ordering: .sequentiallyConsistent) - settings.maxInFlight * 4)
        return min(settings.maxInFlight, totalInFlight() + backlog)
    }

    /// How long a claim waits for a quarter of the slots to be free before it takes fewer.
    static let claimDeferral: Duration = .milliseconds(25)

    /// Claims wait until a quarter of the slots are free (or none is busy), so a steady stream of
    /// completions does not turn into one outbox query per delivery.
    private func claimable(busy: Int) -> Bool {
        busy == 0 || settings.maxInFlight - busy >= max(1, settings.maxInFlight / 4)
    }

    /// Wakes the claim loop when slots were freed and it may claim again. Called after the state
    /// changed, so of concurrent releases the last one sees them all: no wake is lost.
    private func wakeIfClaimable() {
        let busy = busySlots()
        if claimable(busy: busy)
            || (busy < settings.maxInFlight && waitingWhileFull.load(ordering: .sequentiallyConsistent))
        {
            wake.signal()
        }
    }

    /// A department's settings behind one reference: each delivery hands it on with one retain,
    /// where copying the struct retained each of its many fields.
    private final class Configured: Sendable {
        let id: String
        let endpoint: Department.Endpoint

        init(_ department: Department) {
            id = department.id
            endpoint = department.endpoint
        }
    }

    /// The departments in force, read once per claim.
    private final class DepartmentTable: Sendable {
        let byID: [String: Configured]
        let sortedIDs: [String]

        init(_ departments: [Department]) {
            // The first of two with one id wins (the loader refuses duplicates anyway).
            byID = Dictionary(departments.map { ($0.id, Configured($0)) }, uniquingKeysWith: { first, _ in first })
            sortedIDs = byID.keys.sorted()
        }
    }

    /// Starts delivering one claimed item (counted in flight by ``claim(limit:)``). No task is
    /// made for it: the transport calls back when the answer is in, and the attempt joins the
    /// next batch to record.
    private func deliver(_ item: OutboxItem, _ departments: DepartmentTable, _ transport: any DeliveryTransport) {
        let attemptNumber = item.attempts + 1
        guard let department = departments.byID[item.department] else {
            // A reload removed the department after the claim: the complaint goes back unattempted
            // and is held with the rest of its queue (claims skip departments not configured).
            inFlight.withLock { $0[item.department, default: 1] -= 1 }
            breakers.withLock { $0[item.department]?.notSent() }
            store.releaseClaims([item.complaintID])
            wakeIfClaimable()
            return
        }
        let started = Date()
        let request: DeliveryRequest
        do {
            request = try DeliveryRequest.build(
                complaintID: item.complaintID, record: item.body, endpoint: department.endpoint, now: started)
        } catch {
            // A template that cannot render this record will not render it on a retry either.
            // Nothing was sent: a half-open breaker's probe goes to the next item.
            breakers.withLock { $0[department.id]?.notSent() }
            handOver(item)
            record(
                item,
                DeliveryAttempt(
                    attempt: attemptNumber, department: department.id, url: department.endpoint.url,
                    startedAt: started, latencyMilliseconds: 0, statusCode: nil, outcome: "dead",
                    error: error.description,
                    responseSnippet: nil), .dead)
            return
        }
        let clock = ContinuousClock()
        let begin = clock.now
        transport.start(
            url: request.url, headers: request.headers, body: request.body, timeout: department.endpoint.timeout
        ) {
            result in
            let elapsed = clock.now - begin
            let finishedAt = Date()
            // The breaker hears the result before the slot frees: a slot freed first let the claim
            // loop send one more request to an endpoint whose breaker was about to open.
            self.feedBreaker(department.id, result: result, now: finishedAt)
            self.handOver(item)
            self.finished(
                item, department: department, started: started, finishedAt: finishedAt, elapsed: elapsed,
                result: result)
        }
    }

    /// Decides what `result` means for `item` and records the attempt.
    private func finished(
        _ item: OutboxItem, department: Configured, started: Date, finishedAt finished: Date, elapsed: Duration,
        result: TransportResult
    ) {
        let attemptNumber = item.attempts + 1
        let latencyMS = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var generator = SystemRandomNumberGenerator()
        // The policy counts attempts since the last replay: a replayed dead letter gets a fresh budget.
        let (resolution, outcome, error) = DeliveryDecision.resolve(
            attempt: attemptNumber - item.attemptsBeforeReplay, result: result, policy: department.endpoint.retry,
            finishedAt: finished, firstAttemptAt: item.firstAttemptAt ?? started, using: &generator)
        var status: Int?
        var snippet: String?
        if case .response(let code, _, let body) = result {
            status = code
            snippet = body.isEmpty ? nil : body
        }
        let attempt = DeliveryAttempt(
            attempt: attemptNumber, department: department.id, url: department.endpoint.url, startedAt: started,
            latencyMilliseconds: latencyMS, statusCode: status, outcome: outcome, error: error, responseSnippet: snippet
        )
        record(item, attempt, resolution)
    }

    /// The item's attempt is over and its result about to be recorded: it counts as recording
    /// before its slot frees, so ``drained()`` never sees it in neither. The slot is the HTTP
    /// request: it frees when the answer is in, while the attempt's commit (an fsync shared with
    /// others) is still pending, so slow disks do not idle the network.
    private func handOver(_ item: OutboxItem) {
        recording.add(1, ordering: .sequentiallyConsistent)
        inFlight.withLock { $0[item.department, default: 1] -= 1 }
        wakeIfClaimable()
    }

    /// Returns once no delivery is in flight and every finished attempt is recorded.
    private func drained() async {
        while totalInFlight() > 0 || recording.load(ordering: .sequentiallyConsistent) > 0 {
            // Not Task.sleep: a cancelled run must still wait for them, without spinning.
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { continuation.resume() }
            }
        }
    }

    private func feedBreaker(_ department: String, result: TransportResult, now: Date) {
        let signal: CircuitBreaker.Signal
        switch DeliveryClassification.classify(result, now: now) {
        case .success, .dontRetry: signal = .healthy
        case .retry: signal = .failure
        }
        // One lookup: on every delivery's path, under a lock both event loops take.
        let changed = breakers.withLock { breakers -> CircuitBreaker.State? in
            guard let index = breakers.index(forKey: department) else { return nil }
            let before = breakers.values[index].state.metricValue
            breakers.values[index].record(signal, now: now)
            let after = breakers.values[index].state
            return after.metricValue == before ? nil : after
        }
        guard let after = changed else { return }
        metrics.breaker(after, department: department)
        logger.log(
            level: after.name == "closed" ? .info : .warning, "circuit breaker \(after.name)",
            metadata: ["cg.department": "\(department)"])
    }

    /// Records an attempt ``handOver(_:)`` counted as recording.
    private func record(_ item: OutboxItem, _ attempt: DeliveryAttempt, _ resolution: DeliveryResolution) {
        metrics.count(resolution, department: attempt.department)
        // A dead letter waits for a person (fix, then replay): an error, where a retry is a warning.
        let level: Logger.Level
        switch resolution {
        case .delivered: level = .debug
        case .retry: level = .warning
        case .dead: level = .error
        }
        if logger.logLevel <= level { log(item, attempt, resolution, level: level) }
        if case .retry(let at) = resolution { nextDue.scheduled(at) }
        // Results that finish while another is being committed go into the next write together.
        guard
            let batch = batcher.add(
                AttemptResult(complaintID: item.complaintID, attempt: attempt, resolution: resolution))
        else { return }
        Task { await self.writeBatches(from: batch) }
    }

    /// For the batcher's writer: records `first`, then what gathered meanwhile, until nothing is left.
    private func writeBatches(from first: [AttemptResult]) async {
        var batch = first
        while true {
            await write(batch)
            recording.subtract(batch.count, ordering: .sequentiallyConsistent)
            wakeIfClaimable()
            guard let next = batcher.next() else { return }
            batch = next
        }
    }

    /// Commits a batch of results. If the batch fails as a whole, each result is tried on its own,
    /// so one that cannot be recorded does not take the others with it.
    private func write(_ batch: [AttemptResult]) async {
        do {
            try await store.recordDeliveries(batch)
            if let recovered = recordTrouble.withLock({ trouble in
                defer { trouble = nil }
                return trouble
            }) {
                // Sent, perhaps received, but not on record: sent again, with the same key.
                store.releaseClaims(recovered.unrecorded)
                logger.notice(
                    "delivery attempts are recorded again; claims resume",
                    metadata: ["cg.unrecorded": "\(recovered.unrecorded.count)"])
                wake.signal()
            }
        } catch {
            // At once, before the results are tried one by one: meanwhile each freed slot would
            // be claimed again, for requests that could not be recorded either.
            pauseClaims()
            guard batch.count == 1 else {
                for result in batch { await write([result]) }
                return
            }
            // The item stays pending in the store and claimed until attempts are recorded again:
            // then it is re-sent, with the same Idempotency-Key, not lost.
            recordTrouble.withLock { $0?.unrecorded.append(batch[0].complaintID) }
            logger.error(
                "cannot record a delivery attempt",
                metadata: [
                    "cg.complaint_id": "\(batch[0].complaintID)", "cg.error": "\(LogRedaction.scrub("\(error)"))",
                ])
        }
    }

    /// The longest pause of the claims while attempts cannot be recorded.
    static let maxRecordPause: Duration = .seconds(30)

    /// After an attempt could not be recorded: claims wait a second, then twice as long each time
    /// the first attempts after a pause cannot be recorded either.
    private func pauseClaims() {
        let now = ContinuousClock.now
        let started = recordTrouble.withLock { trouble -> Duration? in
            if let current = trouble, current.until > now { return nil }
            let pause = trouble.map { min($0.pause * 2, Self.maxRecordPause) } ?? .seconds(1)
            trouble = RecordTrouble(until: now + pause, pause: pause, unrecorded: trouble?.unrecorded ?? [])
            return pause
        }
        guard let started else { return }
        logger.error(
            "delivery claims paused: attempts cannot be recorded",
            metadata: ["cg.pause_seconds": "\(started.components.seconds)"])
    }

    /// How long claims must still wait because attempts could not be recorded; nil: they may claim.
    private func recordPauseLeft() -> Duration? {
        guard let until = recordTrouble.withLock({ $0?.until }) else { return nil }
        let left = until - ContinuousClock.now
        return left > .zero ? left : nil
    }

    /// Built only when the level is enabled: the metadata costs more than the check on the hot path.
    private func log(
        _ item: OutboxItem, _ attempt: DeliveryAttempt, _ resolution: DeliveryResolution, level: Logger.Level
    ) {
        var metadata: Logger.Metadata = [
            "cg.complaint_id": "\(item.complaintID)", "cg.department": "\(attempt.department)",
            "cg.attempt": "\(attempt.attempt)", "cg.outcome": "\(attempt.outcome)",
        ]
        if let error = attempt.error { metadata["cg.error"] = "\(LogRedaction.scrub(error))" }
        if case .retry(let at) = resolution { metadata["cg.next_attempt_at"] = "\(RFC3339.format(at))" }
        logger.log(level: level, "delivery attempt", metadata: metadata)
    }
}
