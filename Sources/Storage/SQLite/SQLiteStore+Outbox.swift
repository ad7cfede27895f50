import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func claimDueDeliveries(limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [OutboxItem] {
        guard limit > 0 else { return [] }
        // Expired leases are dropped first: an attempt that never reported back is handed out again.
        let (token, leased) = leases.beginClaim(now: now)
        let nowMS = now.unixMilliseconds
        // Due items first, without their bodies: items already out are skipped, and only the
        // records of the items actually claimed are read.
        let due: [OutboxItem]
        do {
            due = try await read { db in
                try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT complaint_id, department, attempts FROM outbox
                            WHERE state = 'pending' AND next_attempt_at <= ?
                            ORDER BY next_attempt_at LIMIT ?
                            """), arguments: [nowMS, limit + leased]
                ).map { row in
                    OutboxItem(
                        complaintID: row["complaint_id"], department: row["department"],
                        attempts: row["attempts"], body: Data())
                }
            }
        } catch {
            _ = leases.finishClaim(
                token, candidates: [OutboxItem](), id: \.complaintID, limit: 0, now: now, expiry: now)
            throw error
        }
        let claimed = leases.finishClaim(
            token, candidates: due, id: \.complaintID, limit: limit, now: now,
            expiry: now.addingTimeInterval(leaseDuration))
        guard !claimed.isEmpty else { return [] }
        do {
            return try await read { db in
                let statement = try db.cachedStatement(sql: "SELECT record FROM complaints WHERE id = ?")
                return try claimed.map { item in
                    guard let body = try Data.fetchOne(statement, arguments: [item.complaintID]) else {
                        throw StorageError(.corrupt, "outbox item \(item.complaintID) has no complaint")
                    }
                    var item = item
                    item.body = body
                    return item
                }
            }
        } catch {
            for item in claimed { leases.release(item.complaintID) }
            throw error
        }
    }

    public func recordDelivery(complaintID: String, attempt: DeliveryAttempt, resolution: DeliveryResolution)
        async throws
    {
        defer { leases.release(complaintID) }
        let finishedAt = attempt.startedAt.addingTimeInterval(attempt.latencyMilliseconds / 1000)
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery_attempts (complaint_id, attempt, department, url, started_at, latency_ms,
                        status_code, outcome, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                complaintID, attempt.attempt, attempt.department, attempt.url, attempt.startedAt.unixMilliseconds,
                attempt.latencyMilliseconds, attempt.statusCode, attempt.outcome, attempt.error,
                attempt.responseSnippet,
            ])
            let now = finishedAt.unixMilliseconds
            switch resolution {
            case .delivered:
                try Self.transition(
                    db, complaintID, to: .delivered, outboxState: "delivered", attempts: attempt.attempt,
                    nextAttempt: nil, error: nil, at: finishedAt,
                    detail:
                        "HTTP \(attempt.statusCode.map(String.init) ?? "?") from \(attempt.department) on attempt \(attempt.attempt)"
                )
            case .retry(let at):
                try db.cachedStatement(
                    sql: """
                        UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?
                        WHERE complaint_id = ? AND state = 'pending'
                        """
                ).execute(arguments: [attempt.attempt, at.unixMilliseconds, attempt.error, now, complaintID])
                try Self.appendEvent(
                    db, complaintID: complaintID, at: finishedAt, type: "retry_scheduled",
                    detail: "attempt \(attempt.attempt) failed (\(attempt.error ?? "?")); next at \(RFC3339.format(at))"
                )
            case .dead:
                try Self.transition(
                    db, complaintID, to: .dead, outboxState: "dead", attempts: attempt.attempt,
                    nextAttempt: nil, error: attempt.error, at: finishedAt,
                    detail: "gave up after attempt \(attempt.attempt): \(attempt.error ?? "?")")
            }
        }
    }

    public func nextDueTime() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'")
            )
            .map(Date.init(unixMilliseconds:))
        }
    }

    public func outboxDepth() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state = 'pending'") ?? 0
        }
    }

    private static func transition(
        _ db: Database, _ complaintID: String, to state: ComplaintState, outboxState: String,
        attempts: Int, nextAttempt: Date?, error: String?, at: Date, detail: String
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET state = ?, attempts = ?, last_error = ?, updated_at = ? WHERE complaint_id = ?
                """
        ).execute(arguments: [outboxState, attempts, error, at.unixMilliseconds, complaintID])
        try db.cachedStatement(sql: "UPDATE complaints SET state = ? WHERE id = ?")
            .execute(arguments: [state.rawValue, complaintID])
        try appendEvent(
            db, complaintID: complaintID, at: at, type: state == .delivered ? "delivered" : "dead_lettered",
            detail: detail)
    }
}
