import Foundation

/// Where a data directory keeps the hotline uploads: each upload's file as received and the
/// rejected rows written for it. The importer writes these names, the backup copies them and
/// the store finds them again after a restore, so all read them from here.
public struct UploadFiles: Sendable {
    /// The directory's name inside the data directory.
    public static let directoryName = "uploads"
    /// The `uploads` directory inside the data directory.
    public let directory: URL

    public init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent(Self.directoryName, isDirectory: true)
    }

    /// The uploaded file, as received.
    public func upload(rawID: String) -> URL { directory.appendingPathComponent("\(rawID).csv") }

    /// The rows of the upload that were not taken, with their line and reason.
    public func rejectedRows(rawID: String) -> URL { directory.appendingPathComponent("\(rawID).rejected.csv") }

    /// The raw payload id an uploaded file's name (`raw_….csv`) is made of; nil for any other
    /// file of the folder (a rejected-rows file among them).
    public static func rawID(ofUpload name: String) -> String? {
        guard name.hasPrefix("raw_"), name.hasSuffix(".csv"), !name.hasSuffix(".rejected.csv") else { return nil }
        return String(name.dropLast(".csv".count))
    }

    /// Every file an upload may have, in the order they are written.
    public func all(rawID: String) -> [URL] { [upload(rawID: rawID), rejectedRows(rawID: rawID)] }
}
