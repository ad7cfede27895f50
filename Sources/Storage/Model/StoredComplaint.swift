import ComplaintCore
import Foundation

/// Where a complaint is in its life. Kept explicit so later stages (sign-for, completion) extend it.
public enum ComplaintState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Accepted; delivery to the department not yet confirmed.
    case pending
    /// The department's endpoint answered 2xx.
    case delivered
    /// Delivery gave up; a dead letter an operator can replay.
    case dead
}

/// A complaint as read back: record, decision, state, and every delivery attempt.
public struct StoredComplaint: Sendable {
    /// The stored record, compact `complaint/v1` JSON: the bytes its department receives.
    public var recordJSON: Data
    public var state: ComplaintState
    public var tablesVersion: String
    public var traceJSON: Data
    public var deliveries: [DeliveryAttempt]
    public var events: [ComplaintEvent]

    public init(
        recordJSON: Data, state: ComplaintState, tablesVersion: String, traceJSON: Data,
        deliveries: [DeliveryAttempt], events: [ComplaintEvent]
    ) {
        self.recordJSON = recordJSON
        self.state = state
        self.tablesVersion = tablesVersion
        self.traceJSON = traceJSON
        self.deliveries = deliveries
        self.events = events
    }

    /// The record, decoded.
    /// - Throws: ``StorageError`` (`corrupt`) when the stored bytes are not a `complaint/v1` record.
    public func record() throws -> Complaint { try StoredRecord.decode(recordJSON) }
}

/// An appended lifecycle event; state changes are never overwrites only. The first,
/// `accepted`, is the complaint's own commit.
public struct ComplaintEvent: Sendable, Hashable {
    public var at: Date
    /// `accepted`, `delivered`, `retry_scheduled`, `dead_lettered`, `replayed`.
    public var type: String
    public var detail: String?

    public init(at: Date, type: String, detail: String?) {
        self.at = at
        self.type = type
        self.detail = detail
    }
}
