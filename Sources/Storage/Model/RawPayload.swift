import ComplaintCore
import Foundation

/// An inbound payload exactly as the sender handed it: body, headers, and when it came.
public struct RawPayload: Sendable, Hashable {
    /// `raw_` + ULID.
    public var id: String
    public var channel: Channel
    public var adapter: String
    public var receivedAt: Date
    public var contentType: String?
    /// Request headers worth keeping (never the Authorization header), in arrival order.
    public var headers: [Header]
    public var body: Data
    /// The payload is already stored, in quarantine, and is being processed again: its row is
    /// updated (only while it is still in quarantine) instead of a new one inserted.
    public var fromQuarantine = false

    /// One header line.
    public struct Header: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        id: String, channel: Channel, adapter: String, receivedAt: Date, contentType: String?,
        headers: [Header], body: Data
    ) {
        self.id = id
        self.channel = channel
        self.adapter = adapter
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// SHA-256 of the body, hex.
    public var sha256: String { ContentHash.sha256Hex(body) }

    /// The headers as a JSON array of `{"name", "value"}` objects, as stored.
    public var headersJSON: Data { Self.json(of: headers) }

    /// `headers` as a JSON array of `{"name", "value"}` objects, as stored.
    static func json(of headers: [Header]) -> Data {
        var writer = JSONWriter(capacity: 64 * max(1, headers.count))
        writer.beginArray()
        for header in headers {
            writer.beginObject()
            writer.field("name", header.name)
            writer.field("value", header.value)
            writer.endObject()
        }
        writer.endArray()
        return writer.data
    }

    /// Headers stored as ``headersJSON`` wrote them; none when there are none (or they cannot be read).
    static func headers(storedAs json: String?) -> [Header] {
        json.flatMap { try? JSONDecoder().decode([Header].self, from: Data($0.utf8)) } ?? []
    }
}
