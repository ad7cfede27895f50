import Foundation

/// Where a data directory keeps the hotline uploads: each upload's file as received and the
/// rejected rows written for it. The importer writes these names and the backup copies them, so
/// both read them from here.
public struct UploadFiles: Sendable {
    /// The `uploads` directory inside the data directory.
    public let directory: URL

    public init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent("uploads", isDirectory: true)
    }

    /// The uploaded file, as received.
    public func upload(rawID: String) -> URL { directory.appendingPathComponent("\(rawID).csv") }

    /// The rows of the upload that were not taken, with their line and reason.
    public func rejectedRows(rawID: String) -> URL { directory.appendingPathComponent("\(rawID).rejected.csv") }

    /// Every file an upload may have, in the order they are written.
    public func all(rawID: String) -> [URL] { [upload(rawID: rawID), rejectedRows(rawID: rawID)] }
}
