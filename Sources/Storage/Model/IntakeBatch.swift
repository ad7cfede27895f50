import ComplaintCore
import Foundation

/// One record of a batch from an uploaded file: record, decision, and the line it came from.
public struct BatchIntakeItem: Sendable {
    /// The record with `id`, `source.raw_id`, `ingested_at` and `routing` filled in.
    public var record: Complaint
    /// The record as `complaint/v1` JSON, encoded by the caller off the commit queue.
    public var recordJSON: Data
    public var decision: StoredDecision
    /// The physical line in the upload where the row starts.
    public var line: Int
    /// A hash of what the row says, compared when its natural key was taken before.
    public var contentFingerprint: Int64?

    public init(
        record: Complaint, recordJSON: Data, decision: StoredDecision, line: Int, contentFingerprint: Int64? = nil
    ) {
        self.record = record
        self.recordJSON = recordJSON
        self.decision = decision
        self.line = line
        self.contentFingerprint = contentFingerprint
    }
}

/// What became of one batch item.
public enum BatchIntakeOutcome: Sendable, Hashable {
    /// Stored; the complaint is new.
    case created(id: String)
    /// The natural key came in an earlier upload (or another channel message): nothing new.
    case duplicate(id: String)
    /// The natural key came in an earlier upload whose row said something else (another content
    /// fingerprint): nothing new; `earlierRecord` is the stored record, to say what differs.
    case changedDuplicate(id: String, earlierRecord: Data)
    /// The natural key came earlier in this same upload, at `firstLine`: nothing new.
    /// `sameContent`: the row says what the stored complaint says (its content fingerprint is
    /// the same), so it is a row repeated, not another call under the ticket.
    case duplicateInUpload(id: String, firstLine: Int?, sameContent: Bool)
}

/// A store that takes many records of one uploaded file in one transaction.
///
/// A file of a million rows committed row by row would cost a million fsyncs; a batch shares one,
/// while each record still gets its own raw link, decision and outbox row, and duplicates of the
/// natural key are recognised exactly as on the single-record path.
public protocol BatchIntakeStore: ComplaintStore {
    /// Records an uploaded file whose bytes are kept at `bodyPath` (too large for a row).
    /// - Parameters:
    ///   - raw: The upload's metadata; its `body` is empty.
    ///   - sha256: The file's SHA-256, hex.
    ///   - error: when the file as a whole could not be read, why: it is then quarantined.
    /// The upload stays `importing` until ``finishUpload(rawID:summary:supersedes:)``.
    func storeUpload(_ raw: RawPayload, bodyPath: String, sha256: String, error: String?) async throws

    /// Marks the upload's import complete: every row committed or reported; `summary` (JSON, the
    /// report's counts) is kept for the upload history. Earlier uploads of the
    /// same file kept in quarantine (sent with the wrong profile, then again with the right one)
    /// leave the quarantine as `superseded`, naming this upload: nothing of them is left to do;
    /// only those `supersedes` accepts by their kept headers, though (a copy that asked for other
    /// worksheets still holds calls not read).
    func finishUpload(
        rawID: String, summary: String, supersedes: @escaping @Sendable ([RawPayload.Header]) -> Bool
    ) async throws

    /// Uploads, newest first; with `before`, those older than that raw id (the last of the page before).
    func uploads(limit: Int, before: String?) async throws -> [UploadHistoryEntry]

    /// Quarantines an upload whose import cannot be finished, with the reason.
    func abandonUpload(rawID: String, error: String) async throws

    /// Takes a quarantined upload out of quarantine to be imported again, with `profile`: it is
    /// `importing` again (finished by the gateway should a stop cut it short). `headers`, when
    /// given, replace the kept ones (what is asked of the import has changed).
    /// - Returns: false when `rawID` is no upload in quarantine (taken meanwhile, or never one).
    func reopenUpload(rawID: String, profile: String, headers: [RawPayload.Header]?) async throws -> Bool

    /// Uploads whose import never finished, oldest first.
    func interruptedUploads() async throws -> [InterruptedUpload]

    /// Those of `rawIDs` that name a stored raw payload.
    func recordedPayloads(among rawIDs: [String]) async throws -> Set<String>

    /// Commits `items` (all from the upload `rawID`) in one transaction, answering in their order.
    func ingestBatch(rawID: String, items: [BatchIntakeItem]) async throws -> [BatchIntakeOutcome]
}
