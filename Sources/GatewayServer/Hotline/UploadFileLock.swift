import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on an upload's kept file, held by whoever imports it.
///
/// The importer takes it before the upload is recorded and holds it until the import ends; the
/// kernel lets go when the process dies. So an upload still `importing` whose file nobody holds
/// was cut short (a crash, a stopped command-line import) and is to be finished, while one whose
/// file is held is being imported now, in this process or another on the same data directory.
public struct UploadFileLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock without waiting: nil while another import holds it (a lock taken through
    /// another descriptor of this process counts as another's). A file that cannot be opened
    /// (removed) is held by no one: the lock is taken, on nothing.
    public static func take(_ url: URL) -> UploadFileLock? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return UploadFileLock(descriptor: -1) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
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
