import ComplaintCore
import Foundation
import Logging
import Storage
import Synchronization

// What the claim loop may take from the outbox, and when it wakes to look again.
extension OutboxDispatcher {
    func claim(limit: Int) async -> [OutboxItem] {
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
    func idleWait() async -> Duration {
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
    func rateRetryDelay() -> Duration? {
        guard let at = rates.withLock({ $0.retryAt }) else { return nil }
        // At least a millisecond: the bucket's arithmetic may leave a token a hair short.
        return .milliseconds(max(1, Int64((at.timeIntervalSinceNow * 1000).rounded(.up))))
    }

    func totalInFlight() -> Int { inFlight.withLock { $0.values.reduce(0, +) } }

    /// Slots taken: deliveries in flight, plus attempts waiting for their commit once they exceed a
    /// few batches' worth, so a slow store slows claiming instead of piling up unrecorded results.
    func busySlots() -> Int {
        let backlog = max(0, recording.load(ordering: .sequentiallyConsistent) - settings.maxInFlight * 4)
        return min(settings.maxInFlight, totalInFlight() + backlog)
    }

    /// How long a claim waits for a quarter of the slots to be free before it takes fewer.
    static let claimDeferral: Duration = .milliseconds(25)

    /// Claims wait until a quarter of the slots are free (or none is busy), so a steady stream of
    /// completions does not turn into one outbox query per delivery.
    func claimable(busy: Int) -> Bool {
        busy == 0 || settings.maxInFlight - busy >= max(1, settings.maxInFlight / 4)
    }

    /// Wakes the claim loop when slots were freed and it may claim again. Called after the state
    /// changed, so of concurrent releases the last one sees them all: no wake is lost.
    func wakeIfClaimable() {
        let busy = busySlots()
        if claimable(busy: busy)
            || (busy < settings.maxInFlight && waitingWhileFull.load(ordering: .sequentiallyConsistent))
        {
            wake.signal()
        }
    }
}
