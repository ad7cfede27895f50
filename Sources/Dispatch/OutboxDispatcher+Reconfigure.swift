import ComplaintCore
import Foundation
import Logging
import Synchronization

// Departments and transport replaced while running (a rule-table or config reload).
extension OutboxDispatcher {
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
}
