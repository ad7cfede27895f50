import ComplaintCore
import Foundation
import SMSAdapter
import Storage

/// Holds the parts of concatenated SMS durably and commits one complaint per complete set.
///
/// A part is committed (raw payload + held part) before the provider hears 200, so a restart loses
/// nothing; a set that never completes is released after `timeout` as one complaint marked incomplete.
///
/// A part that comes after its set was released incomplete (the provider resends for a day after
/// an outage, and the held parts were released at the timeout) joins that complaint as a
/// follow-up (same department and deadline, `follow_up_of`) instead of becoming a complaint of
/// its own that no one links to the first.
struct SMSConcatBuffer: Sendable {
    let store: any SMSPartStore
    let pipeline: IntakePipeline
    let timeout: TimeInterval

    /// How long after a release a missing part still joins it: Vonage resends for 24 hours.
    static let lateWindow: TimeInterval = 25 * 3600

    /// Holds one part; when it completes its set, commits the assembled complaint.
    func hold(_ message: SMSMessage, concat: ConcatPart, raw: RawPayload) async throws {
        let part = HeldPart(
            adapter: raw.adapter, messageID: message.draft.source.externalID ?? raw.id, setKey: concat.setKey,
            part: concat.part, total: concat.total, rawID: raw.id, draftJSON: ComplaintJSON.encode(message.draft),
            heldAt: raw.receivedAt)
        guard case .held(let parts) = try await store.holdPart(part, raw: raw) else { return }
        let earlier = try await releasedEarlier(parts)
        if Set(parts.map(\.part)).union(earlier.map(\.part)).count >= concat.total {
            try await release(parts, earlier: earlier)
        }
    }

    /// The parts of the same set released before, when `parts` are the missing ones of that
    /// release; empty when there was none, or when a position repeats (the sender reused the
    /// reference for a new message).
    private func releasedEarlier(_ parts: [HeldPart]) async throws -> [HeldPart] {
        // A set whole on its own has no part missing from an earlier release: no read needed.
        guard let first = parts.first, Set(parts.map(\.part)).count < first.total else { return [] }
        let released = try await store.releasedParts(
            adapter: first.adapter, setKey: first.setKey, since: Date().addingTimeInterval(-Self.lateWindow))
        let releasedPositions = Set(released.map(\.part))
        guard !released.isEmpty, releasedPositions.count < first.total,
            parts.allSatisfy({ !releasedPositions.contains($0.part) })
        else { return [] }
        return released
    }

    /// Commits every set that is complete or has waited longer than the timeout while the gateway
    /// ran. Time the gateway was down does not count: the provider could not resend the missing
    /// parts then, and it does once the gateway is back (Vonage for 24 hours), so the sets held
    /// before a restart get a whole timeout after `runningSince` before they go out incomplete.
    func sweep(now: Date, runningSince: Date) async throws {
        let cutoff = now.timeIntervalSince(runningSince) >= timeout ? now.addingTimeInterval(-timeout) : .distantPast
        for parts in try await store.releasableSets(heldBefore: cutoff) {
            try await release(parts)
        }
    }

    /// - Parameter earlier: the set's parts released before (``releasedEarlier(_:)``), when the
    /// caller has read them already.
    private func release(_ parts: [HeldPart], earlier known: [HeldPart]? = nil) async throws {
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
        var earlier = known ?? []
        if known == nil { earlier = try await releasedEarlier(parts) }
        let parent =
            earlier.isEmpty
            ? nil : try await pipeline.store.threadParent(channel: .sms, externalIDs: earlier.map(\.messageID))
        // The natural key is the first part's id: committing a set twice (a crash before the
        // release below) is a duplicate, not a second complaint.
        _ = try await pipeline.submit(draft, raw: raw, idempotencyKey: nil, parent: parent)
        try await store.releaseParts(adapter: first.adapter, messageIDs: parts.map(\.messageID))
    }
}
