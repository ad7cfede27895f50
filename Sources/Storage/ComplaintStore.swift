import ComplaintCore
import Foundation

/// The durable spine: raw payloads, records, decisions, outbox and delivery history.
///
/// Nothing outside Storage knows which implementation runs (SQLite embedded; PostgreSQL later).
/// Every write is durable when the call returns: callers answer senders only afterwards.
public protocol ComplaintStore: Sendable {
    /// Commits raw payload, record, decision and outbox row in one transaction, or, for a
    /// duplicate (natural key or idempotency key seen before), only the raw payload marked as such.
    func ingest(_ submission: IntakeSubmission) async throws -> IntakeOutcome

    /// Stores a payload that could not be parsed, with the error, for later re-processing.
    func quarantine(_ raw: RawPayload, error: String) async throws

    /// Keeps a payload that is deliberately not a complaint (an auto-reply or bounce), with why.
    func ignore(_ raw: RawPayload, reason: String) async throws

    /// The earliest-stored complaint of `channel` whose natural key is one of `externalIDs`
    /// (email threading: a reply's In-Reply-To and References), or nil.
    func threadParent(channel: Channel, externalIDs: [String]) async throws -> ThreadParent?

    /// The last committed position in a polled mailbox, or nil before the first poll.
    func mailboxCursor(_ mailbox: String) async throws -> MailboxCursor?

    /// Saves the position after a message's record was committed.
    func saveMailboxCursor(_ mailbox: String, _ cursor: MailboxCursor) async throws

    /// The complaint with its decision, state and delivery attempts, or nil.
    func complaint(id: String) async throws -> StoredComplaint?

    /// The attachment at `position` (its index in the record's `attachments`, from 0) of a complaint.
    func attachment(complaintID: String, position: Int) async throws -> StoredAttachment.Lookup

    /// The raw payload a complaint was made from (its record's `source.raw_id`), as received; nil
    /// when there is no such complaint or its payload is kept in a file (an upload).
    func attachmentSource(ofComplaint id: String) async throws -> StoredAttachment.Source?

    /// Complaints newest first, filtered and paged.
    func listComplaints(_ query: ComplaintQuery) async throws -> ComplaintPage

    /// Payloads in quarantine, newest first; with `before`, those older than that raw id (the
    /// last of the page before).
    func quarantined(limit: Int, before: String?) async throws -> [QuarantinedPayload]

    /// The bytes of the quarantined payload `id`; nil when no payload in quarantine has that id.
    func quarantinedBody(id: String) async throws -> QuarantinedBody?

    /// Claims up to `limit` outbox items due at `now` for delivery; a claimed item is not handed
    /// out again until its attempt is recorded or `leaseDuration` passes.
    func claimDueDeliveries(limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [OutboxItem]

    /// Claims due items per department: at most `quota` for each department listed and at most
    /// `limit` in all, taken from the departments in the order listed (so a department with nothing
    /// due leaves its share to the next); none for departments not listed (their queue is held:
    /// full, breaker open, or unknown).
    func claimDueDeliveries(quotas: [DepartmentQuota], limit: Int, now: Date, leaseDuration: TimeInterval)
        async throws -> [OutboxItem]

    /// Records several attempts in one write, releasing their claims: all of them are committed
    /// when it returns, or none (it throws), and then the claims stay held until their lease
    /// expires or ``releaseClaims(_:)`` gives them back, so an attempt that cannot be recorded
    /// is not sent again at once.
    func recordDeliveries(_ results: [AttemptResult]) async throws

    /// Gives claimed items back unattempted: they stay pending, due as before, and the next claim
    /// may take them again.
    func releaseClaims(_ complaintIDs: [String])

    /// The earliest time a pending delivery becomes due, nil when none is pending.
    func nextDueTime() async throws -> Date?

    /// The earliest time a pending delivery for one of `departments` becomes due, nil when none is pending.
    func nextDueTime(departments: Set<String>) async throws -> Date?

    /// Dead letters, most recently dead first, each with its last attempt.
    func deadLetters(_ query: DeadLetterQuery) async throws -> [DeadLetter]

    /// Puts one dead letter back in the outbox, due at `now`, with a fresh retry budget.
    /// - Returns: false when `complaintID` is not a dead letter.
    func replayDeadLetter(complaintID: String, now: Date) async throws -> Bool

    /// Replays every dead letter (of `department`, when given). - Returns: the ids replayed.
    func replayDeadLetters(department: String?, now: Date) async throws -> [String]

    /// Number of complaints not yet delivered nor dead.
    func outboxDepth() async throws -> Int

    /// Throws when the store cannot serve requests (readiness).
    func ping() async throws

    /// Flushes and closes; pending writes complete first.
    func close() async throws
}

extension ComplaintStore {
    /// Records one attempt and its resolution, releasing the claim: ``recordDeliveries(_:)`` with one result.
    public func recordDelivery(complaintID: String, attempt: DeliveryAttempt, resolution: DeliveryResolution)
        async throws
    {
        try await recordDeliveries([AttemptResult(complaintID: complaintID, attempt: attempt, resolution: resolution)])
    }
}
