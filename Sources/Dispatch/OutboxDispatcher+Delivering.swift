import ComplaintCore
import Foundation
import Logging
import Storage
import Synchronization

// One claimed item sent, its slot freed, its result fed to the breaker.
extension OutboxDispatcher {
    /// Starts delivering one claimed item (counted in flight by ``claim(limit:)``). No task is
    /// made for it: the transport calls back when the answer is in, and the attempt joins the
    /// next batch to record.
    func deliver(_ item: OutboxItem, _ departments: DepartmentTable, _ transport: any DeliveryTransport) {
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
    func handOver(_ item: OutboxItem) {
        recording.add(1, ordering: .sequentiallyConsistent)
        inFlight.withLock { $0[item.department, default: 1] -= 1 }
        wakeIfClaimable()
    }

    /// Returns once no delivery is in flight and every finished attempt is recorded.
    func drained() async {
        while totalInFlight() > 0 || recording.load(ordering: .sequentiallyConsistent) > 0 {
            // Not Task.sleep: a cancelled run must still wait for them, without spinning.
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { continuation.resume() }
            }
        }
    }

    func feedBreaker(_ department: String, result: TransportResult, now: Date) {
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
}
