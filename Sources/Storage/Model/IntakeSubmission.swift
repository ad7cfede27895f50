import ComplaintCore
import Foundation

/// Everything one accepted complaint commits together: raw payload, record, decision, outbox row.
public struct IntakeSubmission: Sendable {
    public var raw: RawPayload
    /// The record with `id`, `source.raw_id`, `ingested_at` and `routing` filled in.
    public var record: Complaint
    public var decision: StoredDecision
    /// The API's `Idempotency-Key`, deduplicated per channel and adapter (the integrator's token).
    public var idempotencyKey: String?
    /// What a repeated `Idempotency-Key` is compared on: a hash of the request's content, so the
    /// same record sent again with other spacing or key order is the same request. Nil: the raw
    /// body's hash.
    public var requestHash: String?
    /// Attachment bytes in `record.attachments` order, committed with the record; nil for one
    /// not kept apart from the raw payload (over the size limit).
    public var attachmentData: [Data?]

    public init(
        raw: RawPayload, record: Complaint, decision: StoredDecision, idempotencyKey: String? = nil,
        requestHash: String? = nil, attachmentData: [Data?] = []
    ) {
        self.raw = raw
        self.record = record
        self.decision = decision
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.attachmentData = attachmentData
    }
}

/// The routing decision as stored: what the record carries, plus version and trace for audits.
public struct StoredDecision: Sendable, Hashable {
    public var routing: Complaint.RoutingInfo
    /// Content hash of the rule tables that decided.
    public var tablesVersion: String
    /// The rules tried, as JSON (kept opaque so storage does not depend on routing).
    public var traceJSON: Data

    public init(routing: Complaint.RoutingInfo, tablesVersion: String, traceJSON: Data) {
        self.routing = routing
        self.tablesVersion = tablesVersion
        self.traceJSON = traceJSON
    }
}

/// What became of a submission.
public enum IntakeOutcome: Sendable, Hashable {
    /// Stored; the complaint is new.
    case created(id: String, routing: Complaint.RoutingInfo)
    /// The natural key or idempotency key was seen before: nothing new was created.
    case duplicate(id: String, routing: Complaint.RoutingInfo)
    /// The idempotency key was used before for a different body.
    case idempotencyConflict(existingID: String)

    /// The complaint id the sender should hear about.
    public var complaintID: String {
        switch self {
        case .created(let id, _), .duplicate(let id, _): id
        case .idempotencyConflict(let id): id
        }
    }
}
