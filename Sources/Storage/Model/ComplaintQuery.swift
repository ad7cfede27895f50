import ComplaintCore
import Foundation

/// Filters and paging for listing complaints, newest first.
public struct ComplaintQuery: Sendable, Hashable {
    public var channel: Channel?
    public var department: String?
    /// Only complaints received at or after this time.
    public var since: Date?
    /// Only complaints received before this time.
    public var until: Date?
    /// Page size, 1–1000.
    public var limit: Int
    /// Continue after this complaint id (exclusive), from the previous page's `next_cursor`.
    public var cursor: String?

    public init(
        channel: Channel? = nil, department: String? = nil, since: Date? = nil, until: Date? = nil,
        limit: Int = 50, cursor: String? = nil
    ) {
        self.channel = channel
        self.department = department
        self.since = since
        self.until = until
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of complaints.
public struct ComplaintPage: Sendable {
    public var items: [ComplaintSummary]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: String?

    public init(items: [ComplaintSummary], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// A listed complaint: its stored record and its state.
///
/// The record stays the bytes the store holds (compact `complaint/v1`, as departments get it):
/// a page of 1,000 spent most of its time decoding records only to encode them again.
public struct ComplaintSummary: Sendable {
    public var id: String
    /// The stored record, compact `complaint/v1` JSON.
    public var recordJSON: Data
    public var state: ComplaintState

    public init(id: String, recordJSON: Data, state: ComplaintState) {
        self.id = id
        self.recordJSON = recordJSON
        self.state = state
    }

    /// The record, decoded.
    /// - Throws: ``StorageError`` (`corrupt`) when the stored bytes are not a `complaint/v1` record.
    public func record() throws -> Complaint { try StoredRecord.decode(recordJSON) }
}
