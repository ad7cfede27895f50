import ComplaintCore
import Foundation

/// A quarantined payload: stored, but it could not become a complaint.
public struct QuarantinedPayload: Sendable {
    public var id: String
    public var channel: Channel
    public var adapter: String
    public var receivedAt: Date
    public var sha256: String
    public var size: Int
    public var error: String

    public init(
        id: String, channel: Channel, adapter: String, receivedAt: Date, sha256: String, size: Int, error: String
    ) {
        self.id = id
        self.channel = channel
        self.adapter = adapter
        self.receivedAt = receivedAt
        self.sha256 = sha256
        self.size = size
        self.error = error
    }
}
