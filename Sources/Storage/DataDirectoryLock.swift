import ComplaintCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive claim on a data directory by the one gateway that serves it.
///
/// Two gateways on one store would both deliver its outbox (claims are leases kept in memory),
/// and each would apply a department's in-flight limit and circuit breaker on its own. The
/// command-line tools (imports, `dlq`, `backup`) do not take it: SQLite lets them work beside
/// the gateway. An advisory `flock` on `gateway.lock`, released by the kernel when the process
/// dies, so a `kill -9` never leaves a stale lock behind.
public final class DataDirectoryLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, or throws naming the process that holds it.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageError(.unavailable, "cannot make the data directory \(FileErrorText.describe(error))")
        }
        path = URL(fileURLWithPath: directory).appendingPathComponent("gateway.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            let hint = OpenFailureHint.hint(forStoreAt: path).map { " (\($0))" } ?? ""
            throw StorageError(.unavailable, "cannot open \(path): \(reason)\(hint)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            throw StorageError(
                .unavailable,
                "data directory \(directory) is in use by another gateway"
                    + (holder.map { " (pid \($0))" } ?? "") + "; lock \(path)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        // Emptied first: a pid left in the file would name a process that no longer holds it.
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func holder(_ descriptor: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
