import Foundation

/// An uploaded call-log file whose import never finished: the gateway stopped (a crash, a
/// `kill -9`, a power cut) after some of its batches committed. Its bytes are still on disk.
public struct InterruptedUpload: Sendable, Hashable {
    public var rawID: String
    /// The column profile it was imported with (the raw payload's adapter).
    public var profile: String
    public var receivedAt: Date
    public var bodyPath: String
    /// The request's headers as kept (what the sender asked of the import among them).
    public var headers: [RawPayload.Header]

    public init(
        rawID: String, profile: String, receivedAt: Date, bodyPath: String, headers: [RawPayload.Header] = []
    ) {
        self.rawID = rawID
        self.profile = profile
        self.receivedAt = receivedAt
        self.bodyPath = bodyPath
        self.headers = headers
    }
}
