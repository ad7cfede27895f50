import ComplaintCore
import Foundation
import Routing
import Storage

extension IntakePipeline {
    /// Prepares one row of an uploaded file for a batch commit: id, raw link, route, JSON.
    ///
    /// The same steps ``submit(_:raw:idempotencyKey:)`` takes for one complaint, without the
    /// commit, so a batch of them can share one transaction. `router` is the batch's, taken once
    /// from ``routers`` (a copy of the router per row retained everything it holds), so every row
    /// of a batch is routed by the same tables.
    func prepareBatchItem(
        _ draft: Complaint, rawID: String, line: Int, now: Date, router: borrowing RuleRouter
    ) -> BatchIntakeItem {
        var record = draft
        record.id = GatewayID.complaint(ULIDGenerator.shared.next(now: now))
        record.source.rawID = rawID
        router.locate(&record)
        let decision = router.decide(record)
        record.routing = decision.routingInfo
        record.ingestedAt = now
        let stored = StoredDecision(
            routing: decision.routingInfo, tablesVersion: decision.tablesVersion, traceJSON: Data(decision.traceJSON))
        return BatchIntakeItem(record: record, recordJSON: ComplaintJSON.encode(record), decision: stored, line: line)
    }
}
