import Foundation
import Synchronization

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
    ///
    /// The handler is in place when this returns: a signal handler that only writes the signal's
    /// number to a pipe, installed at once, and a thread that reads the pipe and does the rest. (A
    /// Dispatch signal source is armed later, on its queue: a SIGTERM in between, with the signal
    /// ignored meanwhile, was lost, and the interrupted backup went on to the end.)
    static func removeOnInterrupt(_ partial: URL) -> Interruption {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return Interruption(writeEnd: -1) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        interruptPipe.store(writeEnd, ordering: .relaxed)
        let watcher = Thread {
            var signalNumber: Int32 = 0
            // Zero bytes: the write end was closed, the backup is over.
            guard read(readEnd, &signalNumber, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size else {
                close(readEnd)
                return
            }
            try? FileManager.default.removeItem(at: partial)
            FileHandle.standardError.write(Data("\nbackup: interrupted; nothing kept\n".utf8))
            exit(128 + signalNumber)
        }
        watcher.start()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                var number = received
                _ = write(BackupLeftovers.interruptPipe.load(ordering: .relaxed), &number, MemoryLayout<Int32>.size)
            }
        }
        return Interruption(writeEnd: writeEnd)
    }

    /// Where the signal handler writes: it may read nothing but a global.
    private static let interruptPipe = Atomic<Int32>(-1)

    /// The signal handlers of one backup, given back when it ends.
    struct Interruption {
        let writeEnd: Int32

        func cancel() {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            if writeEnd >= 0 { close(writeEnd) }
        }
    }

    private static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
