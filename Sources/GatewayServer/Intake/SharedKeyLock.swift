import Foundation
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// Runs work for one key at a time across every process working on one data directory: the
/// serving gateway and a command-line import beside it.
///
/// A key is one byte of a lock file, locked with an open-file-description lock (`F_OFD_SETLK`),
/// which the kernel drops when the process dies; keys share a byte by their hash, so two keys
/// rarely wait for each other. Within the process the byte is taken through a ``KeyedLock``
/// first: locks of one open file description do not exclude each other.
final class SharedKeyLock: Sendable {
    /// Bytes of the lock file keys are spread over.
    static let slots: UInt64 = 1 << 16
    private static let setLock: Int32 = 37  // F_OFD_SETLK (Linux 3.15), not in Swift's Glibc module

    private let local = KeyedLock()
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func withLock<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        let slot = Self.slot(key)
        return try await local.withLock("\(slot)") {
            try await Self.lock(descriptor, slot: slot)
            defer { Self.unlock(descriptor, slot: slot) }
            return try await body()
        }
    }

    /// FNV-1a: the same slot in every process (Swift's `Hasher` is seeded per process).
    static func slot(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash % slots
    }

    /// Waits without holding a thread: the other process's hold lasts one commit.
    private static func lock(_ descriptor: Int32, slot: UInt64) async throws {
        var delay = 1
        while !set(descriptor, slot: slot, type: Int16(F_WRLCK)) {
            guard errno == EAGAIN || errno == EACCES || errno == EINTR else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            try await Task.sleep(for: .milliseconds(delay))
            delay = min(delay * 2, 50)
        }
    }

    private static func unlock(_ descriptor: Int32, slot: UInt64) {
        _ = set(descriptor, slot: slot, type: Int16(F_UNLCK))
    }

    private static func set(_ descriptor: Int32, slot: UInt64, type: Int16) -> Bool {
        var region = flock()
        region.l_type = type
        region.l_whence = Int16(SEEK_SET)
        region.l_start = off_t(slot)
        region.l_len = 1
        region.l_pid = 0
        return fcntl(descriptor, setLock, &region) == 0
    }
}
