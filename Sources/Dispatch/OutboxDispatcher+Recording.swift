import ComplaintCore
import Foundation
import Logging
import Storage
import Synchronization

// Attempts committed in batches; claims paused while they cannot be.
extension OutboxDispatcher {
    /// Records an attempt ``handOver(_:)`` counted as recording.
    func record(_ item: OutboxItem, _ attempt: DeliveryAttempt, _ resolution: DeliveryResolution) {
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
    func pauseClaims() {
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
    func recordPauseLeft() -> Duration? {
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
