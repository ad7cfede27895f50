import ComplaintCore
import Foundation

/// A complaint's attachment as the store keeps it: what the record lists, and the bytes.
public struct StoredAttachment: Sendable, Hashable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
    /// Nil for a file listed but not kept apart (over `email.max_attachment_bytes`: its bytes are
    /// in the raw payload only, the message or the API request).
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

    /// The raw payload a complaint was made from, which holds every file it came with.
    public struct Source: Sendable, Hashable {
        public var channel: Channel
        public var contentType: String?
        public var body: Data

        public init(channel: Channel, contentType: String?, body: Data) {
            self.channel = channel
            self.contentType = contentType
            self.body = body
        }
    }
}
