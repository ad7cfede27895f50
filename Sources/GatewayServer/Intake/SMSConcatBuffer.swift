import ComplaintCore
import Foundation
import SMSAdapter
import Storage

/// Holds the parts of concatenated SMS durably and commits one complaint per complete set.
///
/// A part is committed (raw payload + held part) before the provider hears 200, so a restart loses
/// nothing; a set that never completes is released after `timeout` as one complaint marked incomplete.
struct SMSConcatBuffer: Sendable {
    let store: any SMSPartStore
    let pipeline: IntakePipeline
    let timeout: TimeInterval

    /// Holds one part; when it completes its set, commits the assembled complaint.
    func hold(_ message: SMSMessage, concat: ConcatPart, raw: RawPayload) async throws {
        let part = HeldPart(
            adapter: raw.adapter, messageID: message.draft.source.externalID ?? raw.id, setKey: concat.setKey,
            part: concat.part, total: concat.total, rawID: raw.id, draftJSON: ComplaintJSON.encode(message.draft),
            heldAt: raw.receivedAt)
        guard case .held(let parts) = try await store.holdPart(part, raw: raw) else { return }
        if Set(parts.map(\.part)).count >= concat.total { try await release(parts) }
    }

    /// Commits every set that is complete or has waited longer than the timeout.
    func sweep(now: Date) async throws {
        for parts in try await store.releasableSets(heldBefore: now.addingTimeInterval(-timeout)) {
            try await release(parts)
        }
    }

    private func release(_ parts: [HeldPart]) async throws {
        guard let first = parts.first else { return }
        let drafts = try parts.map { (part: $0.part, draft: try ComplaintJSON.decode($0.draftJSON)) }
        guard let draft = ConcatAssembler.assemble(drafts, total: first.total) else { return }
        // The parts' own payloads stay stored (disposition "held"); this one lists them.
        var writer = JSONWriter(capacity: 64 * parts.count)
        writer.beginObject()
        writer.key("concat_parts")
        writer.beginArray()
        for part in parts { writer.value(part.rawID) }
        writer.endArray()
        writer.endObject()
        let raw = RawPayload(
            id: pipeline.newRawID(), channel: .sms, adapter: first.adapter, receivedAt: Date(),
            contentType: "application/json", headers: [], body: writer.data)
        // The natural key is the first part's id: committing a set twice (a crash before the
        // release below) is a duplicate, not a second complaint.
        _ = try await pipeline.submit(draft, raw: raw, idempotencyKey: nil)
        try await store.releaseParts(adapter: first.adapter, messageIDs: parts.map(\.messageID))
    }
}
