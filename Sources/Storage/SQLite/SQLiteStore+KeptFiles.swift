import Foundation

extension SQLiteStore {
    /// Where an upload's kept file is now. The row names the file where it was written, an
    /// absolute path; a store restored from a backup at another path (or moved) keeps its files in
    /// its own `uploads` directory, and reading the old path would find nothing, or the files of
    /// another data directory. A file written into an `uploads` directory is therefore looked for
    /// in the `uploads` directory beside this store's database.
    func keptFile(_ written: String?) -> String? {
        guard let written else { return nil }
        let url = URL(fileURLWithPath: written)
        guard url.deletingLastPathComponent().lastPathComponent == UploadFiles.directoryName else { return written }
        return UploadFiles(dataDirectory: URL(fileURLWithPath: configuration.path).deletingLastPathComponent())
            .directory.appendingPathComponent(url.lastPathComponent).path
    }

    /// The size of an upload's kept file (``keptFile(_:)``); nil when the row names none or it is gone.
    func keptFileSize(_ written: String?) -> Int? {
        keptFile(written).flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
    }
}
