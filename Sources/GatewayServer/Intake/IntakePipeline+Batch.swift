import ComplaintCore
import Foundation
import Routing
import Storage

extension IntakePipeline {
    /// Prepares one row of an uploaded file for a batch commit: id, raw link, route, JSON.
    ///
    /// The same steps ``submit(_:raw:idempotencyKey:)`` takes for one complaint, without the
    /// commit, so a batch of them can share one transaction.
    func prepareBatchItem(_ draft: Complaint, rawID: String, line: Int, now: Date) -> BatchIntakeItem {
        var record = draft
        record.id = GatewayID.complaint(ULIDGenerator.shared.next(now: now))
        record.source.rawID = rawID
        let decision = routers.current.decide(record)
        record.routing = decision.routingInfo
        record.ingestedAt = now
        let stored = StoredDecision(
            routing: decision.routingInfo, tablesVersion: decision.tablesVersion, traceJSON: Data(decision.traceJSON))
        return BatchIntakeItem(record: record, recordJSON: ComplaintJSON.encode(record), decision: stored, line: line)
    }
}
