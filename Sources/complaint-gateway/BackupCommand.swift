import ArgumentParser
import ComplaintCore
import Foundation
import GatewayServer
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// `complaint-gateway backup DIR`: an online copy of the data directory, safe while the gateway
/// serves.
///
/// DIR becomes a data directory of its own (`gateway.sqlite`, `uploads/`): restoring is starting
/// a gateway on it. The copy is built in `DIR.partial-PID` and renamed to DIR only when complete
/// and synced, so a DIR that exists is a whole backup.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store and its upload files into a new directory, while the gateway runs.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The backup directory to create (must not exist).")
    var destination: String

    @Option(
        name: .customLong("data-dir"),
        help: "Data directory (overrides storage.data_dir; with it, the configuration is not read).")
    var dataDir: String?

    @Option(
        name: .customLong("limit-rate"),
        help: "Copy at most this many bytes per second (K, M, G: 1024-based, as curl's), to spare a busy disk.")
    var limitRate: String?

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        if let limitRate, CopyPace.parseRate(limitRate) == nil {
            throw ValidationError("--limit-rate \"\(limitRate)\": give bytes per second, e.g. 40M, 512K or 1000000")
        }
    }

    func run() async throws {
        // The data directory is all a backup needs. Given on the command line, the configuration
        // (and the secrets its interpolation asks for) stays unread, so a cron job needs no tokens.
        let storage = try dataDir.map { StorageSettings(dataDirectory: $0) } ?? options.loadStorage()
        let source = URL(fileURLWithPath: storage.dataDirectory, isDirectory: true)
        let target = URL(fileURLWithPath: destination, isDirectory: true).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: target.path) else {
            printError("backup: \(target.path) already exists; name a new directory")
            throw ExitCode(73)  // EX_CANTCREAT
        }
        // A copy inside the directory it copies would be copied into every later backup, and
        // lost with the directory it is meant to outlive.
        let sourcePath = source.standardizedFileURL.resolvingSymlinksInPath().path
        let targetParent = target.deletingLastPathComponent().resolvingSymlinksInPath().path
        if targetParent == sourcePath || targetParent.hasPrefix(sourcePath + "/") {
            printError("backup: \(target.path) is inside the data directory \(sourcePath); name a directory outside it")
            throw ExitCode(73)  // EX_CANTCREAT
        }
        // Not made on the way: a mistyped parent in a cron line must fail, not back up elsewhere.
        var parentIsDirectory: ObjCBool = false
        guard
            FileManager.default.fileExists(
                atPath: target.deletingLastPathComponent().path, isDirectory: &parentIsDirectory),
            parentIsDirectory.boolValue
        else {
            printError("backup: \(target.deletingLastPathComponent().path) is not a directory; create it first")
            throw ExitCode(73)  // EX_CANTCREAT
        }
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent("\(target.lastPathComponent).partial-\(getpid())", isDirectory: true)
        for leftover in BackupLeftovers.remove(in: target.deletingLastPathComponent()) {
            printError("backup: removed \(leftover.path), left by a backup that was interrupted")
        }
        let interruption = BackupLeftovers.removeOnInterrupt(partial)
        defer { interruption.cancel() }
        let started = Date()
        let pace = CopyPace(bytesPerSecond: limitRate.flatMap(CopyPace.parseRate))
        let bar = ProgressBar(unit: .items("pages"))
        let summary: SQLiteBackup.Summary
        var uploadFiles = 0
        do {
            // Owner only: the copy holds citizens' names, numbers and words.
            try FileManager.default.createDirectory(
                at: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            summary = try SQLiteBackup.copy(
                from: storage.sqlite.path, to: partial.appendingPathComponent("gateway.sqlite").path,
                busyTimeout: Double(storage.busyTimeoutMilliseconds) / 1000, pace: pace
            ) { done, total in bar.update(done: done, total: total) }
            bar.clear()
            uploadFiles = try Self.copyUploads(
                summary.uploadIDs, from: UploadFiles(dataDirectory: source),
                to: UploadFiles(dataDirectory: partial), bytesPerSecond: pace.bytesPerSecond)
            try syncDirectory(partial)
            try FileManager.default.moveItem(at: partial, to: target)
            try syncDirectory(target.deletingLastPathComponent())
        } catch {
            bar.clear()
            try? FileManager.default.removeItem(at: partial)
            printError("backup: \(Self.describe(error))")
            throw ExitCode(1)
        }
        let seconds = Date().timeIntervalSince(started)
        let newest = summary.newestIngestedAt.map(RFC3339.format)
        if json {
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("backup", target.path)
            writer.field("complaints", summary.complaints)
            writer.field("newest_ingested_at", newest)
            writer.field("upload_files", uploadFiles)
            writer.field("bytes", summary.bytes)
            writer.field("seconds", (seconds * 1000).rounded() / 1000)
            writer.endObject()
            print(String(decoding: writer.bytes, as: UTF8.self))
        } else {
            print(
                "backup: \(summary.complaints) complaints (newest accepted \(newest ?? "never")), "
                    + "\(uploadFiles) upload files, \(String(format: "%.1f", Double(summary.bytes) / 1e6)) MB "
                    + "in \(String(format: "%.1f", seconds)) s -> \(target.path)")
        }
    }

    /// What went wrong, in words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? StorageError { return error.message }
        return FileErrorText.describe(error)
    }

    /// Copies each recorded upload and its rejected-rows file, when present. An upload's file is
    /// complete and synced before its row commits, so every file the snapshot names is whole;
    /// uploads that arrive after the snapshot are not copied.
    private static func copyUploads(
        _ ids: [String], from source: UploadFiles, to target: UploadFiles, bytesPerSecond: Int?
    ) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        try FileManager.default.createDirectory(at: target.directory, withIntermediateDirectories: true)
        // A pace of their own, begun now: the store's copy has kept to the rate already.
        var pace = CopyPace(bytesPerSecond: bytesPerSecond)
        var copied = 0
        for id in ids {
            for (file, copy) in zip(source.all(rawID: id), target.all(rawID: id)) {
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                try PacedFileCopy.copy(from: file, to: copy, pace: &pace)
                copied += 1
            }
        }
        try syncDirectory(target.directory)
        return copied
    }
}

/// fsync of a directory, so the names just created or renamed in it survive power loss.
private func syncDirectory(_ url: URL) throws {
    try syncPath(url.path, flags: O_RDONLY | O_DIRECTORY)
}

private func syncPath(_ path: String, flags: Int32) throws {
    let descriptor = open(path, flags | O_CLOEXEC)
    guard descriptor >= 0 else { throw SyncError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else { throw SyncError(path: path, reason: String(cString: strerror(errno))) }
}

private struct SyncError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot sync \(path): \(reason)" }
}
