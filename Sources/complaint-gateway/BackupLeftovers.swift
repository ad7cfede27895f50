import Foundation

/// The `DIR.partial-PID` directories of backups that did not finish: each holds a near-complete
/// copy of the store (citizens' names, numbers and words), so none is left lying about.
enum BackupLeftovers {
    private static let written: Set<String> = [
        "gateway.sqlite", "gateway.sqlite-journal", "gateway.sqlite-wal", "gateway.sqlite-shm", "uploads",
    ]

    /// Removes, in `directory`, the partial backups whose process is gone; returns them.
    static func remove(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed: [URL] = []
        for name in names {
            guard let range = name.range(of: ".partial-", options: .backwards),
                let pid = Int32(name[range.upperBound...]), pid > 0, !isRunning(pid)
            else { continue }
            let url = directory.appendingPathComponent(name, isDirectory: true)
            // Only what a backup writes there: the store's copy, SQLite's files beside it while
            // it is written (a copy killed mid-way always leaves its rollback journal), the uploads.
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? ["?"]
            guard Set(contents).isSubset(of: Self.written) else { continue }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url) }
        }
        return removed
    }

    /// On Ctrl-C or SIGTERM, removes `partial` and exits (130 or 143, as a shell reports them).
    static func removeOnInterrupt(_ partial: URL) -> Interruption {
        Interruption.handle {
            try? FileManager.default.removeItem(at: partial)
            FileHandle.standardError.write(Data("\nbackup: interrupted; nothing kept\n".utf8))
        }
    }

    private static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
