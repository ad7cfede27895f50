import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why SQLite may be unable to open or write a store, in the operator's terms: its own message
/// ("unable to open database file", "attempt to write a readonly database") names neither the
/// owner nor the mode nor the mount that is the usual cause.
enum OpenFailureHint {
    /// The first of the store's directory and files that a process running as `uid` cannot
    /// read and write, with its owner and mode; or a read-only file system; nil when neither.
    static func hint(forStoreAt path: String, uid: uid_t = geteuid()) -> String? {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var info = statvfs()
        if statvfs(directory, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0 {
            return "the file system holding \(directory) is mounted read-only"
        }
        for (candidate, isDirectory) in [
            (directory, true), (path, false), (path + "-wal", false), (path + "-shm", false),
        ] {
            var status = stat()
            guard stat(candidate, &status) == 0 else { continue }
            let needed: mode_t = isDirectory ? 0o7 : 0o6  // read, write (and enter a directory)
            guard !allows(status, needed, uid: uid) else { continue }
            return "\(candidate) is owned by uid \(status.st_uid) with mode "
                + String(status.st_mode & 0o777, radix: 8) + ", and this process runs as uid \(uid): "
                + "run the gateway as the owner of its data directory, or give that directory to the user it runs as"
        }
        return nil
    }

    /// Whether the owner, group or other bits of `status` grant all of `needed` (rwx as 0o7)
    /// to `uid` (root is granted everything, as the kernel does).
    private static func allows(_ status: stat, _ needed: mode_t, uid: uid_t) -> Bool {
        if uid == 0 { return true }
        let mode = status.st_mode
        let bits: mode_t
        if status.st_uid == uid {
            bits = (mode >> 6) & 0o7
        } else if status.st_gid == getegid() {
            bits = (mode >> 3) & 0o7
        } else {
            bits = mode & 0o7
        }
        return bits & needed == needed
    }
}
