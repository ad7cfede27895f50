import Foundation

/// A copy of the sample config (`config/`) that a test may edit without touching the original.
struct SampleConfigCopy {
    /// The copied config directory.
    let directory: URL

    /// Copies the sample config to `destination` (which must not exist; its parent is created).
    init(at destination: URL) throws {
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RunningGateway.configDirectory, to: destination)
        directory = destination
    }

    /// A copy in a new temporary directory named `prefix-UUID`; ``remove()`` deletes it.
    static func temporary(_ prefix: String) throws -> SampleConfigCopy {
        try SampleConfigCopy(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)"))
    }

    func url(_ file: String) -> URL { directory.appendingPathComponent(file) }

    func read(_ file: String) throws -> String { try String(contentsOf: url(file), encoding: .utf8) }

    func write(_ file: String, _ text: String) throws {
        try text.write(to: url(file), atomically: true, encoding: .utf8)
    }

    /// Rewrites `file` (relative to the copy) with `change`.
    func edit(_ file: String, _ change: (String) -> String) throws {
        try write(file, change(try read(file)))
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
