import Foundation

/// A complaint's attachment as the store keeps it: what the record lists, and the bytes.
public struct StoredAttachment: Sendable, Hashable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
    /// Nil for a file listed but not kept apart (over `email.max_attachment_bytes`: its bytes are
    /// in the raw message only).
    public var data: Data?

    public init(filename: String?, contentType: String, size: Int, sha256: String, data: Data?) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.data = data
    }

    /// What the store found for a complaint and a position.
    public enum Lookup: Sendable, Hashable {
        case found(StoredAttachment)
        /// The complaint exists with this many attachments, none at that position.
        case noAttachment(count: Int)
        case noComplaint
    }
}
