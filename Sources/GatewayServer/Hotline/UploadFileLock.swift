import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A lock on an upload's kept file, telling who is at work on it.
///
/// - While the file is received (``UploadSpool``), its writer holds a shared lock.
/// - The importer takes an exclusive lock before the upload is recorded and holds it until the
///   import ends.
///
/// The kernel lets go of either when the process dies. So an upload still `importing` whose file
/// no one holds was cut short (a crash, a stopped command-line import) and is to be finished,
/// and a file in the uploads folder that no upload names and no one holds was being received
/// when a stop came; a file that is held is being received or imported now, in this process or
/// another on the same data directory.
public struct UploadFileLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock without waiting: nil while another holds it in a way that excludes this
    /// one (a lock taken through another descriptor of this process counts as another's). A file
    /// that cannot be opened (removed) is held by no one: the lock is taken, on nothing.
    /// - Parameter shared: a shared lock, which only an import's exclusive lock excludes.
    public static func take(_ url: URL, shared: Bool = false) -> UploadFileLock? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return UploadFileLock(descriptor: -1) }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return UploadFileLock(descriptor: descriptor)
    }

    /// Lets go of the lock.
    public func release() {
        if descriptor >= 0 { close(descriptor) }
    }
}
