import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Brings an existing store's schema up to date one step at a time, telling the operator what
/// runs: some steps rewrite every complaint row or build an index over them, a minute or more on
/// a store of millions, and the gateway serves nothing until they are done.
///
/// Each step is logged when it starts and when it is done, with its duration; while one runs, a
/// line every `heartbeat` says which and for how long, so a long upgrade is not mistaken for a
/// hung process (and killed half-way, which costs the step's work, not the data: each step is
/// one transaction).
struct SchemaUpgrade {
    let migrator: DatabaseMigrator
    let path: String
    let logger: Logger
    var heartbeat: DispatchTimeInterval = .seconds(15)

    /// Runs every pending step; a new store (no step applied yet) is created silently in one go.
    func run(on pool: DatabasePool) throws {
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        // A newer version's steps: this version would read and write a schema it does not know
        // (after a rollback of the program, say), and its writes could break what those steps built.
        let unknown = applied.subtracting(migrator.migrations).sorted()
        guard unknown.isEmpty else {
            throw StorageError(
                .unavailable,
                "\(path) was upgraded by a newer complaint-gateway (schema steps this version does not know: "
                    + "\(unknown.joined(separator: ", "))); run that version, or restore the backup taken before "
                    + "the upgrade")
        }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        guard !applied.isEmpty, !pending.isEmpty else {
            try migrator.migrate(pool)
            return
        }
        logger.notice(
            "upgrading the store's schema before serving; on a large store this can take minutes",
            metadata: ["cg.path": "\(path)", "cg.migrations": "\(pending.joined(separator: ","))"])
        let upgradeStarted = DispatchTime.now()
        // Step by step when the steps applied are the first ones, as every store the gateway wrote
        // has them. A store with a gap (a step missing between applied ones) is brought up to date
        // in one go, reported as one step: GRDB refuses to migrate it "up to" a step.
        let lastApplied = migrator.migrations.lastIndex { applied.contains($0) } ?? -1
        let firstPending = migrator.migrations.firstIndex { !applied.contains($0) } ?? lastApplied + 1
        let steps: [(name: String, target: String?)] =
            firstPending > lastApplied ? pending.map { ($0, $0) } : [(pending.joined(separator: ","), nil)]
        for (index, (step, target)) in steps.enumerated() {
            let position = "\(index + 1)/\(steps.count)"
            logger.notice("schema step started", metadata: ["cg.migration": "\(step)", "cg.step": "\(position)"])
            let started = DispatchTime.now()
            try whileLogging(step: step, position: position, since: started) {
                if let target { try migrator.migrate(pool, upTo: target) } else { try migrator.migrate(pool) }
            }
            logger.notice(
                "schema step done",
                metadata: [
                    "cg.migration": "\(step)", "cg.step": "\(position)",
                    "cg.seconds": "\(Self.seconds(since: started))",
                ])
        }
        logger.notice(
            "store schema up to date", metadata: ["cg.seconds": "\(Self.seconds(since: upgradeStarted))"])
    }

    /// Runs `body`, logging every `heartbeat` until it returns.
    func whileLogging(step: String, position: String, since started: DispatchTime, _ body: () throws -> Void)
        rethrows
    {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let logger = self.logger
        // Checked and set under one lock, so that no line can follow the step's "done".
        let finished = Mutex(false)
        timer.setEventHandler {
            finished.withLock { finished in
                guard !finished else { return }
                logger.notice(
                    "schema step still running",
                    metadata: [
                        "cg.migration": "\(step)", "cg.step": "\(position)",
                        "cg.seconds": "\(Self.seconds(since: started))",
                    ])
            }
        }
        timer.schedule(deadline: .now() + heartbeat, repeating: heartbeat)
        timer.resume()
        defer {
            finished.withLock { $0 = true }
            timer.cancel()
        }
        try body()
    }

    /// Seconds since `start`, to a tenth.
    static func seconds(since start: DispatchTime) -> String {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return String(format: "%.1f", elapsed)
    }
}
