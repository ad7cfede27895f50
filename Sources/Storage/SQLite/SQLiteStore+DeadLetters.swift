import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func deadLetters(_ query: DeadLetterQuery) async throws -> [DeadLetter] {
        try await read { db in
            var arguments: StatementArguments = []
            var filter = ""
            if let department = query.department {
                filter = "AND o.department = ?"
                arguments += [department]
            }
            if let after = query.after {
                filter += " AND (o.updated_at < ? OR (o.updated_at = ? AND o.complaint_id < ?))"
                arguments += [after.deadAtMilliseconds, after.deadAtMilliseconds, after.complaintID]
            }
            arguments += [max(1, min(query.limit, 1000))]
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT o.complaint_id, o.department, o.attempts, o.updated_at, o.last_error, o.replays,
                            a.attempt, a.department AS attempt_department, a.url, a.started_at, a.latency_ms,
                            a.status_code, a.outcome, a.error, a.response_snippet
                        FROM outbox o
                        LEFT JOIN delivery_attempts a ON a.id = (
                            SELECT max(id) FROM delivery_attempts WHERE complaint_id = o.complaint_id)
                        WHERE o.state = 'dead' \(filter)
                        ORDER BY o.updated_at DESC, o.complaint_id DESC LIMIT ?
                        """), arguments: arguments
            ).map { row in
                let last: DeliveryAttempt? =
                    (row["attempt"] as Int?).map { number in
                        DeliveryAttempt(
                            attempt: number, department: row["attempt_department"], url: row["url"],
                            startedAt: Date(unixMilliseconds: row["started_at"]),
                            latencyMilliseconds: row["latency_ms"], statusCode: row["status_code"],
                            outcome: row["outcome"], error: row["error"], responseSnippet: row["response_snippet"])
                    }
                return DeadLetter(
                    complaintID: row["complaint_id"], department: row["department"], attempts: row["attempts"],
                    deadAt: Date(unixMilliseconds: row["updated_at"]), error: row["last_error"],
                    replays: row["replays"], lastAttempt: last,
                    cursor: DeadLetterCursor(deadAtMilliseconds: row["updated_at"], complaintID: row["complaint_id"]))
            }
        }
    }

    public func replayDeadLetter(complaintID: String, now: Date) async throws -> Bool {
        try await write { db in try Self.replay(db, complaintID: complaintID, now: now) }
    }

    public func replayDeadLetters(department: String?, now: Date) async throws -> [String] {
        try await write { db in
            let ids: [String]
            if let department {
                ids = try String.fetchAll(
                    db, sql: "SELECT complaint_id FROM outbox WHERE state = 'dead' AND department = ?",
                    arguments: [department])
            } else {
                ids = try String.fetchAll(db, sql: "SELECT complaint_id FROM outbox WHERE state = 'dead'")
            }
            return try ids.filter { try Self.replay(db, complaintID: $0, now: now) }
        }
    }

    /// Back to pending, due now, with the retry budget and give-up clock restarted; the history
    /// of attempts is kept and the next attempt continues its numbering.
    private static func replay(_ db: Database, complaintID: String, now: Date) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ?, first_attempt_at = NULL,
                    attempts_before_replay = attempts, replays = replays + 1
                WHERE complaint_id = ? AND state = 'dead'
                """
        ).execute(arguments: [now.unixMilliseconds, now.unixMilliseconds, complaintID])
        guard db.changesCount > 0 else { return false }
        try appendEvent(
            db, complaintID: complaintID, at: now, type: "replayed",
            detail: "dead letter put back in the outbox by an operator")
        return true
    }
}
