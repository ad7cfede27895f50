import Foundation

/// One uploaded call-log file as the upload history lists it: where it stands and, once its
/// import finished, its report's counts.
public struct UploadHistoryEntry: Sendable, Hashable {
    public var rawID: String
    /// The column profile it was (last) imported with.
    public var profile: String
    public var receivedAt: Date
    /// The request's headers as kept: the file's name, the worksheets named.
    public var headers: [RawPayload.Header]
    public var sha256: String
    /// The kept file's size; nil when the file is gone from the data directory.
    public var size: Int?
    /// `importing`, `accepted` (imported), `quarantined` (refused, `error` says why) or
    /// `superseded` (refused, then imported whole by a later upload of the same file).
    public var disposition: String
    public var error: String?
    /// The report's counts as JSON (``BatchIntakeStore/finishUpload(rawID:summary:supersedes:)``);
    /// nil until the import finished, and for uploads finished before the history was kept.
    public var summaryJSON: String?

    public init(
        rawID: String, profile: String, receivedAt: Date, headers: [RawPayload.Header], sha256: String, size: Int?,
        disposition: String, error: String?, summaryJSON: String?
    ) {
        self.rawID = rawID
        self.profile = profile
        self.receivedAt = receivedAt
        self.headers = headers
        self.sha256 = sha256
        self.size = size
        self.disposition = disposition
        self.error = error
        self.summaryJSON = summaryJSON
    }
}
