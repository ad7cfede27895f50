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
    /// One message (by Message-ID, or content without one) is settled by one way at a time, in
    /// every process on the data directory (`email import` runs beside the serving gateway).
    private let messages: SharedKeyLock

    /// `lockFile`: the data directory's email lock file, shared with the other processes on it.
    init(pipeline: IntakePipeline, settings: EmailSettings, lockFile: String) throws {
        self.pipeline = pipeline
        builder = EmailComplaintBuilder(maxAttachmentBytes: settings.maxAttachmentBytes)
        messages = try SharedKeyLock(path: lockFile)
    }

    /// Whether `message` starts as a message does (a header field, after an optional mbox `From `
    /// line an MTA's pipe may put first): a CSV or a picture posted by mistake is not one.
    static func looksLikeMessage(_ message: [UInt8]) -> Bool {
        MailboxFiles.startsWithHeaderField(message)
    }

    static let notAMessageReason = "not an e-mail message: it does not start with a header field (\"Name: value\")"

    /// A new email payload of `body`, as it came.
    private func newPayload(
        _ body: [UInt8], adapter: String, headers: [RawPayload.Header], contentType: String = "message/rfc822",
        receivedAt: Date = Date()
    ) -> RawPayload {
        RawPayload(
            id: pipeline.newRawID(), channel: .email, adapter: adapter, receivedAt: receivedAt,
            contentType: contentType, headers: headers, body: Data(body))
    }

    /// Keeps a body that is not a message in quarantine, counted; returns its raw id.
    func quarantineNotAMessage(
        _ message: [UInt8], adapter: String, reason: String, headers: [RawPayload.Header] = [],
        contentType: String = "message/rfc822", code: String = "not_a_message"
    ) async throws -> String {
        let raw = newPayload(message, adapter: adapter, headers: headers, contentType: contentType)
        try await pipeline.quarantine(raw, error: reason, code: code)
        return raw.id
    }

    /// Keeps a mail service's notice that holds no message (an SNS unsubscribe confirmation, SES
    /// bounce feedback) raw as ignored, counted under `kind`; returns its raw id.
    func ignoreNotice(
        _ body: [UInt8], adapter: String, reason: String, headers: [RawPayload.Header], contentType: String,
        kind: String
    ) async throws -> String {
        let raw = newPayload(body, adapter: adapter, headers: headers, contentType: contentType)
        try await pipeline.ignore(raw, reason: reason, kind: kind)
        return raw.id
    }

    /// Parses and commits one message; returns once the commit (or the raw-only keep) is durable.
    func accept(
        _ message: [UInt8], adapter: String, receivedAt: Date = Date(), headers: [RawPayload.Header] = []
    ) async throws -> Result {
        let raw = newPayload(message, adapter: adapter, headers: headers, receivedAt: receivedAt)
        return try await accept(message, raw: raw)
    }

    /// Parses and commits `message`, by default `raw`'s body (one taken out of quarantine; a form
    /// or JSON kept as a mail service posted it holds its message, ``StoredEmailPayload``).
    func accept(_ raw: RawPayload, message: [UInt8]? = nil) async throws -> Result {
        try await accept(message ?? Array(raw.body), raw: raw)
    }

    private func accept(_ message: [UInt8], raw: RawPayload) async throws -> Result {
        switch builder.build(message, adapter: raw.adapter, receivedAt: raw.receivedAt) {
        case .automatic(let reason, _):
            try await pipeline.ignore(raw, reason: reason, kind: "auto_reply")
            return .ignored(reason: reason, rawID: raw.id)
        case .complaint(let draft):
            let key = draft.complaint.source.externalID ?? raw.sha256
            let (outcome, parent) = try await messages.withLock(key) {
                let parent = try await pipeline.store.threadParent(
                    channel: .email, externalIDs: draft.threadCandidates)
                let complaint = try await resolvingStoredMessageID(draft, raw: message)
                let outcome = try await pipeline.submit(
                    complaint, raw: raw, idempotencyKey: nil, parent: parent,
                    attachmentData: draft.attachmentBytes.map { $0.map { Data($0) } })
                return (outcome, parent)
            }
            switch outcome {
            case .created(let id, let routing): return .created(id: id, routing: routing, followUpOf: parent?.id)
            case .duplicate(let id, let routing): return .duplicate(id: id, routing: routing)
            case .idempotencyConflict(let id):
                // Not reachable without an Idempotency-Key; treated as the duplicate it names.
                throw StorageError(.corrupt, "idempotency conflict on email intake for \(id)")
            }
        }
    }

    /// Settles a message without a Message-ID stored before: its id is its content's fingerprint,
    /// which another way of arrival (a polled mailbox, a forwarder's POST, each its own adapter)
    /// reads the same, so the stored complaint's adapter and id make it the duplicate it is. (One
    /// stored before the id was the fingerprint has its raw bytes' hash.)
    private func resolvingStoredContent(_ complaint: Complaint, draft: EmailDraft, raw: [UInt8]) async throws
        -> Complaint
    {
        let candidates =
            draft.contentFingerprints.map { "sha256:" + $0 } + ["sha256:" + ContentHash.sha256Hex(raw)]
        guard let earlier = try await pipeline.store.threadParent(channel: .email, externalIDs: candidates),
            let stored = try await pipeline.store.complaint(id: earlier.id)?.record(),
            let storedID = stored.source.externalID, candidates.contains(storedID)
        else { return complaint }
        var same = complaint
        same.source.adapter = stored.source.adapter
        same.source.externalID = storedID
        return same
    }

    /// Settles a Message-ID already stored. The same message (same content fingerprint) that came
    /// in by another way (a forwarder's POST, a polled mailbox, an import, each its own adapter)
    /// takes the stored complaint's adapter, so the store's dedup finds it: one mail is one
    /// complaint however many ways it arrives. A different message under the same Message-ID (a
    /// broken web-form relay or script reuses one) is a complaint of its own: its external id
    /// becomes the Message-ID + `#` + the start of its fingerprint, and a defect names the
    /// complaint that holds the Message-ID. Anything stored before fingerprints were kept stays
    /// a duplicate under its own adapter only.
    private func resolvingStoredMessageID(_ draft: EmailDraft, raw: [UInt8]) async throws -> Complaint {
        let complaint = draft.complaint
        if let contentID = complaint.source.externalID, contentID.hasPrefix("sha256:") {
            return try await resolvingStoredContent(complaint, draft: draft, raw: raw)
        }
        guard let messageID = complaint.source.externalID,
            let fingerprint = draft.contentFingerprints.first,
            let earlier = try await pipeline.store.threadParent(channel: .email, externalIDs: [messageID]),
            let stored = try await pipeline.store.complaint(id: earlier.id)?.record(),
            stored.source.externalID == messageID,
            case .string(let storedFingerprint)? = stored.source.extra["content_sha256"]
        else { return complaint }
        if draft.contentFingerprints.contains(storedFingerprint) {
            var same = complaint
            same.source.adapter = stored.source.adapter
            return same
        }
        guard stored.source.adapter == complaint.source.adapter else { return complaint }
        var distinct = complaint
        distinct.source.externalID = messageID + "#" + fingerprint.prefix(16)
        var defects =
            complaint.source.extra["defects"].flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            } ?? []
        defects.append(.string("Message-ID already names complaint \(earlier.id), whose content differs"))
        distinct.source.extra["defects"] = .array(defects)
        return distinct
    }
}
