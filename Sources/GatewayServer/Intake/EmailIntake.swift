import ComplaintCore
import EmailAdapter
import Foundation
import Storage

/// One raw message in, whatever carried it (`POST /v1/email`, a polled mailbox, an import):
/// kept raw, then a complaint, a follow-up of an earlier complaint, or an ignored auto-reply.
struct EmailIntake: Sendable {
    enum Result: Sendable {
        case created(id: String, routing: Complaint.RoutingInfo, followUpOf: String?)
        case duplicate(id: String, routing: Complaint.RoutingInfo)
        /// An auto-reply or bounce, kept raw under `rawID` and counted.
        case ignored(reason: String, rawID: String)
    }

    let pipeline: IntakePipeline
    let builder: EmailComplaintBuilder

    init(pipeline: IntakePipeline, settings: EmailSettings) {
        self.pipeline = pipeline
        builder = EmailComplaintBuilder(maxAttachmentBytes: settings.maxAttachmentBytes)
    }

    /// Parses and commits one message; returns once the commit (or the raw-only keep) is durable.
    func accept(
        _ message: [UInt8], adapter: String, receivedAt: Date = Date(), headers: [RawPayload.Header] = []
    ) async throws -> Result {
        let raw = RawPayload(
            id: pipeline.newRawID(), channel: .email, adapter: adapter, receivedAt: receivedAt,
            contentType: "message/rfc822", headers: headers, body: Data(message))
        switch builder.build(message, adapter: adapter, receivedAt: receivedAt) {
        case .automatic(let reason, _):
            try await pipeline.ignore(raw, reason: reason, kind: "auto_reply")
            return .ignored(reason: reason, rawID: raw.id)
        case .complaint(let draft):
            let parent = try await pipeline.store.threadParent(channel: .email, externalIDs: draft.threadCandidates)
            let outcome = try await pipeline.submit(
                draft.complaint, raw: raw, idempotencyKey: nil, parent: parent,
                attachmentData: draft.attachmentBytes.map { $0.map { Data($0) } })
            switch outcome {
            case .created(let id, let routing): return .created(id: id, routing: routing, followUpOf: parent?.id)
            case .duplicate(let id, let routing): return .duplicate(id: id, routing: routing)
            case .idempotencyConflict(let id):
                // Not reachable without an Idempotency-Key; treated as the duplicate it names.
                throw StorageError(.corrupt, "idempotency conflict on email intake for \(id)")
            }
        }
    }
}
