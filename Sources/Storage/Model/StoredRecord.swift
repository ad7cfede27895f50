import ComplaintCore
import Foundation

/// A record as the store holds it: compact `complaint/v1` JSON, written once at intake and read
/// back as those bytes (what departments receive, what the API shows). Decoded only by callers
/// that need its fields.
enum StoredRecord {
    /// - Throws: ``StorageError`` (`corrupt`): the store holds only records it encoded itself, so
    ///   bytes that do not decode were damaged outside the gateway.
    static func decode(_ data: Data) throws -> Complaint {
        do {
            return try ComplaintJSON.decode(data)
        } catch {
            throw StorageError(.corrupt, "stored record does not decode: \(error)")
        }
    }
}
