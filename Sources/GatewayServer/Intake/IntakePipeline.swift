import ComplaintCore
import ComplaintDispatch
import Foundation
import Routing
import Storage

/// The path every channel's complaint takes after its adapter: id, route, commit, wake the dispatcher.
///
/// Adapters produce a draft record and the raw payload; this is the one place that assigns ids,
/// routes, commits raw + record + decision + outbox together, and only then reports success.
struct IntakePipeline: Sendable {
    let store: any ComplaintStore
    let routers: RouterHolder
    let dispatcher: OutboxDispatcher
    private let ids = ULIDGenerator.shared
    private let metrics = IntakeMetrics()

    init(store: any ComplaintStore, routers: RouterHolder, dispatcher: OutboxDispatcher) {
        self.store = store
        self.routers = routers
        self.dispatcher = dispatcher
    }

    /// A fresh raw payload id.
    func newRawID() -> String { GatewayID.raw(ids.next()) }

    /// Routes and commits `draft`; returns after the commit (or throws, having kept nothing).
    ///
    /// With `parent`, the draft is a follow-up in that complaint's thread: it is not routed again
    /// but goes to the parent's department with the parent's priority and deadline.
    func submit(
        _ draft: Complaint, raw: RawPayload, idempotencyKey: String?, parent: ThreadParent? = nil,
        attachmentData: [Data?] = []
    ) async throws -> IntakeOutcome {
        // A repeated Idempotency-Key is compared on what the request says, not on its bytes.
        let requestHash = idempotencyKey.map { _ in Self.contentHash(draft) }
        var record = draft
        record.id = GatewayID.complaint(ids.next())
        record.source.rawID = raw.id
        let router = routers.current
        router.locate(&record)
        let stored: StoredDecision
        if let parent {
            record.source.extra["follow_up_of"] = .string(parent.id)
            var routing = parent.routing
            routing.rule = "follow-up"
            routing.table = "thread"
            var trace = JSONWriter(capacity: 64)
            trace.beginArray()
            trace.beginObject()
            trace.field("table", "thread")
            trace.field("rule", "follow-up")
            trace.field("matched", true)
            trace.field("follow_up_of", parent.id)
            trace.endObject()
            trace.endArray()
            stored = StoredDecision(routing: routing, tablesVersion: "thread", traceJSON: Data(trace.bytes))
        } else {
            let decision = router.decide(record)
            stored = StoredDecision(
                routing: decision.routingInfo, tablesVersion: decision.tablesVersion,
                traceJSON: Data(decision.traceJSON))
        }
        record.routing = stored.routing
        record.ingestedAt = Date()
        let outcome = try await store.ingest(
            IntakeSubmission(
                raw: raw, record: record, decision: stored, idempotencyKey: idempotencyKey,
                requestHash: requestHash, attachmentData: attachmentData))
        switch outcome {
        case .created:
            dispatcher.notifyNewWork()
            metrics.accepted(record.channel)
        case .duplicate:
            metrics.duplicate(record.channel)
        case .idempotencyConflict:
            metrics.rejected(record.channel, code: "idempotency_key_reused")
        }
        return outcome
    }

    /// The hash of a draft's content, its arrival time left out: the same record sent twice,
    /// spaced or ordered otherwise, or in another charset, hashes the same.
    static func contentHash(_ draft: Complaint) -> String {
        var content = draft
        content.receivedAt = Date(timeIntervalSince1970: 0)
        content.ingestedAt = content.receivedAt
        content.source.rawID = nil
        return "content:" + ContentHash.sha256Hex(Array(ComplaintJSON.encode(content)))
    }

    /// Keeps a payload that is deliberately not a complaint (auto-reply, bounce), and counts it.
    func ignore(_ raw: RawPayload, reason: String, kind: String) async throws {
        try await store.ignore(raw, reason: reason)
        metrics.ignored(raw.channel, kind: kind)
    }

    /// Keeps a payload that could not become a complaint, with the reason.
    /// - Throws: ``GatewayError/storeFailure(_:)`` when the store could not keep it.
    func quarantine(_ raw: RawPayload, error: String, code: String) async throws {
        do {
            try await store.quarantine(raw, error: error)
        } catch {
            throw GatewayError.storeFailure(error)
        }
        metrics.rejected(raw.channel, code: code)
    }
}
