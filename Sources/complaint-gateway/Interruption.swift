import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a command does on Ctrl-C or SIGTERM before it exits (130 or 143, as a shell reports them):
/// removes what it left half-written, says what became of its work.
///
/// The handler is in place when ``handle(_:)`` returns: a signal handler that only writes the
/// signal's number to a pipe, installed at once, and a thread that reads the pipe and does the
/// rest. (A Dispatch signal source is armed later, on its queue: a SIGTERM in between, with the
/// signal ignored meanwhile, was lost, and the interrupted command went on to the end.)
struct Interruption {
    private let writeEnd: Int32

    /// Runs `last` on a Ctrl-C or SIGTERM from now until ``cancel()``, then exits.
    static func handle(_ last: @escaping @Sendable () -> Void) -> Interruption {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return Interruption(writeEnd: -1) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        pipeEnd.store(writeEnd, ordering: .relaxed)
        let watcher = Thread {
            var signalNumber: Int32 = 0
            // Zero bytes: the write end was closed, the command is over.
            guard read(readEnd, &signalNumber, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size else {
                close(readEnd)
                return
            }
            last()
            exit(128 + signalNumber)
        }
        watcher.start()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                var number = received
                _ = write(Interruption.pipeEnd.load(ordering: .relaxed), &number, MemoryLayout<Int32>.size)
            }
        }
        return Interruption(writeEnd: writeEnd)
    }

    /// Where the signal handler writes: it may read nothing but a global.
    private static let pipeEnd = Atomic<Int32>(-1)

    /// Gives Ctrl-C and SIGTERM back their default (ending the command at once).
    func cancel() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        if writeEnd >= 0 { close(writeEnd) }
    }
}
