import Foundation

/// The one place records become bytes and back, so every caller (store, dispatcher, API) agrees.
public enum ComplaintJSON {
    /// Encodes a record as compact `complaint/v1` JSON in the documented field order.
    public static func encode(_ complaint: Complaint) -> Data {
        var writer = JSONWriter()
        complaint.write(to: &writer)
        return writer.data
    }

    /// Decodes a stored `complaint/v1` record.
    public static func decode(_ data: Data) throws -> Complaint {
        try JSONDecoder().decode(Complaint.self, from: data)
    }
}
