import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Copies a file in chunks, each written back to the disk before the next (for the reason the
/// store's copy gives: dirty pages flushed in bursts stall the serving gateway's commits), at the
/// pace given, and syncs it. The copy is created new; an existing file is an error.
public enum PacedFileCopy {
    /// The chunk written back at a time: 4 MiB, as the store's copy steps.
    static let chunkSize = 4 << 20

    /// - Returns: the bytes copied.
    @discardableResult
    public static func copy(from source: URL, to destination: URL, pace: inout CopyPace) throws -> Int {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("cannot open", source) }
        defer { close(input) }
        let output = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw failure("cannot create", destination) }
        defer { close(output) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = read(input, buffer.baseAddress, chunkSize)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read", source) }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = write(output, buffer.baseAddress! + written, count - written)
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { throw failure("cannot write", destination) }
                written += result
            }
            guard fdatasync(output) == 0 else { throw failure("cannot sync", destination) }
            total += count
            pace.copied(count)
        }
        guard fsync(output) == 0 else { throw failure("cannot sync", destination) }
        return total
    }

    private static func failure(_ what: String, _ url: URL) -> StorageError {
        StorageError(.unavailable, "\(what) \(url.path): \(String(cString: strerror(errno)))")
    }
}
