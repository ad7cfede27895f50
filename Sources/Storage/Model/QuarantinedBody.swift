import ComplaintCore
import Foundation

/// A quarantined payload as it was received, for an operator to look at, fix and send again, or
/// for the gateway to process again: its bytes in the store (`body`), or, for a hotline upload,
/// in a file (`bodyPath`).
public struct QuarantinedBody: Sendable {
    public var id: String
    public var channel: Channel
    public var adapter: String
    public var receivedAt: Date
    public var contentType: String?
    public var headers: [RawPayload.Header]
    public var body: Data
    public var bodyPath: String?

    public init(
        id: String, channel: Channel, adapter: String, receivedAt: Date, contentType: String?,
        headers: [RawPayload.Header], body: Data, bodyPath: String?
    ) {
        self.id = id
        self.channel = channel
        self.adapter = adapter
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.bodyPath = bodyPath
    }

    /// The payload to process again: writing it updates its quarantined row, never adds one.
    public var raw: RawPayload {
        var raw = RawPayload(
            id: id, channel: channel, adapter: adapter, receivedAt: receivedAt, contentType: contentType,
            headers: headers, body: body)
        raw.fromQuarantine = true
        return raw
    }
}
