import ComplaintCore
import Foundation
import Glibc
import HTTPTypes
import HotlineCSVAdapter

/// An uploaded file as kept on disk: where, how big, its hash, and what its bytes look like.
public struct SpooledUpload: Sendable {
    public var url: URL
    public var size: Int
    public var sha256: String
    /// What the whole file's bytes are as UTF-8: valid, damaged a little, or not UTF-8 (for
    /// encoding detection).
    public var utf8: UTF8Validator
    /// The first bytes, for the byte-order mark and the signatures of files that are not CSV.
    public var prefix: [UInt8]
    /// How many first bytes `prefix` keeps: enough to tell every kind of workbook (an
    /// OpenDocument file's media type, an XML spreadsheet's namespace) from a CSV file.
    static let prefixBytes = WorkbookReader.signatureBytes
}

/// Streams an upload into the uploads folder while hashing it and checking it for UTF-8.
///
/// The body is never held in memory: each piece is written, hashed and validated as it comes,
/// and the file is fsynced before the import reads it, so the raw payload is durable before any
/// record made from it is committed.
final class UploadSpool {
    let url: URL
    private let descriptor: Int32
    private var digest = Digest()
    var size: Int { digest.size }
    private var closed = false

    /// What a spooled upload records of its bytes as they pass: hash, UTF-8 verdict, first bytes.
    private struct Digest {
        var hash = ContentHash.Streaming()
        var validator = UTF8Validator()
        var prefix: [UInt8] = []
        var size = 0

        mutating func add(_ bytes: UnsafeRawBufferPointer) {
            hash.update(bytes)
            validator.update(bytes)
            if prefix.count < SpooledUpload.prefixBytes {
                prefix += bytes.prefix(SpooledUpload.prefixBytes - prefix.count)
            }
            size += bytes.count
        }

        mutating func upload(at url: URL) -> SpooledUpload {
            validator.finish()
            return SpooledUpload(url: url, size: size, sha256: hash.finalize(), utf8: validator, prefix: prefix)
        }
    }

    init(url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw GatewayError(
                .internalServerError, code: "spool_failed",
                "cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        // Shared, until closed: a file being received is not one a stop left behind
        // (``UploadFileLock``), and the import's exclusive lock still waits for no one but itself.
        _ = flock(descriptor, LOCK_SH)
    }

    deinit { if !closed { close(descriptor) } }

    /// Appends the next piece of the upload.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw GatewayError(
                    .serviceUnavailable, code: "spool_failed",
                    "cannot store the upload: \(String(cString: strerror(errno))); nothing was imported, retry later",
                    headers: [.retryAfter: "5"])
            }
            offset += written
        }
        digest.add(bytes)
    }

    /// Flushes the file to disk and closes it.
    func finish() throws -> SpooledUpload {
        let synced = fsync(descriptor) == 0
        close(descriptor)
        closed = true
        guard synced else {
            throw GatewayError(
                .serviceUnavailable, code: "spool_failed",
                "cannot flush the upload to disk; nothing was imported, retry later", headers: [.retryAfter: "5"])
        }
        return digest.upload(at: url)
    }

    /// Removes a spool that will not be imported.
    func discard() {
        if !closed {
            close(descriptor)
            closed = true
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// Reads back an upload already on disk (an import being finished after a stop): the same
    /// digest, prefix and UTF-8 verdict as when it was spooled.
    static func reread(_ url: URL) throws -> SpooledUpload {
        var digest = Digest()
        try eachPiece(of: url) { digest.add($0) }
        return digest.upload(at: url)
    }

    /// Copies a local file into a spool (the command-line import keeps its raw copy the same way).
    static func copy(_ source: URL, to destination: URL, progress: (Int) -> Void = { _ in }) throws -> SpooledUpload {
        var spool: UploadSpool?
        do {
            // The spool is made once the source is open: a missing source leaves nothing behind.
            try eachPiece(
                of: source, opened: { spool = try UploadSpool(url: destination) },
                { piece in
                    try spool!.write(piece)
                    progress(spool!.size)
                })
        } catch {
            spool?.discard()
            throw error
        }
        return try spool!.finish()
    }

    /// Reads `url` in 1 MiB pieces.
    private static func eachPiece(
        of url: URL, opened: () throws -> Void = {}, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let input = open(url.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw GatewayError(
                .notFound, code: "unreadable_file", "cannot open \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        try opened()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw GatewayError(.internalServerError, code: "unreadable_file", "cannot read \(url.path)")
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
