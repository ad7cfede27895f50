import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func claimDueDeliveries(limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [OutboxItem] {
        guard limit > 0 else { return [] }
        return try claim(now: now, leaseDuration: leaseDuration, limit: limit) { db, held in
            try db.cachedStatement(sql: Self.dueSQL(departmentFilter: false))
                .readRows(now.unixMilliseconds, limit + held.count, row: Self.dueItem)
        }
    }

    public func claimDueDeliveries(quotas: [DepartmentQuota], limit: Int, now: Date, leaseDuration: TimeInterval)
        async throws -> [OutboxItem]
    {
        let quotas = quotas.filter { $0.quota > 0 }
        guard !quotas.isEmpty, limit > 0 else { return [] }
        let caps = Dictionary(quotas.map { ($0.department, $0.quota) }, uniquingKeysWith: min)
        // One indexed query per department, so a department with a long backlog (breaker open,
        // slots full) never fills the window of the others. Candidates come in the order given,
        // so the overall limit goes to the first departments that have something due. Each scan
        // steps over the items out with the dispatcher (they stay pending until recorded) and
        // stops once it has what the claim can still take: with a backlog, a claim reads about
        // `limit` rows instead of every department's quota plus every item in flight.
        return try claim(now: now, leaseDuration: leaseDuration, limit: limit) { db, held in
            let statement = try db.cachedStatement(sql: Self.dueSQL(departmentFilter: true))
            var due: [OutboxItem] = []
            for quota in quotas where due.count < limit {
                let wanted = min(quota.quota, limit - due.count)
                var taken = 0
                try statement.forEachRow(quota.department, now.unixMilliseconds, wanted + held.count) { row in
                    let id = row.string(0)
                    guard !held.isHeld(id) else { return true }
                    due.append(OutboxItem(complaintID: id, department: quota.department, attempts: 0, body: Data()))
                    taken += 1
                    return taken < wanted
                }
            }
            return due
        } select: { candidates, isFree in
            var taken: [String: Int] = [:]
            return candidates.filter { item in
                guard isFree(item), taken[item.department, default: 0] < caps[item.department, default: 0] else {
                    return false
                }
                taken[item.department, default: 0] += 1
                return true
            }
        }
    }

    /// The claim protocol shared by both forms, in one read transaction: read due candidates
    /// (given what is held, to step over it), lease a selection, then read the claimed records.
    ///
    /// The read runs on the caller's thread, not handed to a reader's queue and awaited: a claim
    /// reads for a few hundred microseconds, and the two thread hops of an awaited read added
    /// about as long again, during which the deliveries in flight ran out and the network
    /// idled. Claiming synchronously raised the rate of `scripts/bench-dispatch.sh` by about a
    /// tenth (alternating drains of one outbox).
    private func claim(
        now: Date, leaseDuration: TimeInterval, limit: Int,
        due: (Database, DeliveryLeases.Snapshot) throws -> [OutboxItem],
        select: (([OutboxItem], (OutboxItem) -> Bool) -> [OutboxItem])? = nil
    ) throws -> [OutboxItem] {
        // An expired lease counts as free: an attempt that never reported back is handed out again.
        var begun = leases.beginClaim(now: now)
        let token = begun.token
        let expiry = now.addingTimeInterval(leaseDuration)
        // Set once the selection is leased, so that a failure after it gives the leases back.
        var granted: [OutboxItem]?
        do {
            return try readNow { db in
                let candidates = try due(db, begun.held)
                // Let go of the snapshot once the scan is done: still held when the claim leases
                // its selection, it shares the lease table, which then copies itself whole.
                begun.held = .none
                let claimed = leases.finishClaim(
                    token, candidates: candidates, id: { $0.complaintID }, limit: limit, now: now, expiry: expiry,
                    select: select)
                granted = claimed
                guard !claimed.isEmpty else { return [] }
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT o.attempts, o.attempts_before_replay, o.first_attempt_at, c.record
                        FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE o.complaint_id = ?
                        """)
                return try claimed.map { item in
                    guard
                        let claimed = try statement.readRows(
                            item.complaintID,
                            row: { row in
                                OutboxItem(
                                    complaintID: item.complaintID, department: item.department, attempts: row.int(0),
                                    body: row.data(3), attemptsBeforeReplay: row.int(1),
                                    firstAttemptAt: row.optionalInt64(2).map(Date.init(unixMilliseconds:)))
                            }
                        ).first
                    else {
                        throw StorageError(.corrupt, "outbox item \(item.complaintID) has no complaint")
                    }
                    return claimed
                }
            }
        } catch {
            if let claimed = granted {
                leases.release(claimed.lazy.map { $0.complaintID })
            } else {
                _ = leases.finishClaim(
                    token, candidates: [OutboxItem](), id: { $0.complaintID }, limit: 0, now: now, expiry: now)
            }
            throw error
        }
    }

    /// Due items first, by id and department only: per department the scan reads nothing but
    /// outbox_department_due (it covers these columns), however many items out with the
    /// dispatcher it has to step over. The rest of the row and the record are read only for the
    /// items actually claimed.
    private static func dueSQL(departmentFilter: Bool) -> String {
        """
        SELECT complaint_id, department FROM outbox
        WHERE state = 'pending' \(departmentFilter ? "AND department = ? " : "")AND next_attempt_at <= ?
        ORDER BY next_attempt_at LIMIT ?
        """
    }

    /// One row of ``dueSQL(departmentFilter:)``, columns by position; the claim fills in the rest.
    private static func dueItem(_ row: DirectRow) -> OutboxItem {
        OutboxItem(complaintID: row.string(0), department: row.string(1), attempts: 0, body: Data())
    }

    public func releaseClaims(_ complaintIDs: [String]) {
        leases.release(complaintIDs)
    }

    /// One group-commit operation (one savepoint) for the whole batch: the per-operation cost of
    /// the writer is paid once, not once per attempt. So are the lookups of its statements.
    public func recordDeliveries(_ results: [AttemptResult]) async throws {
        guard !results.isEmpty else { return }
        try await write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO delivery_attempts (complaint_id, attempt, department, url, started_at, latency_ms,
                        status_code, outcome, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let settle = try db.cachedStatement(sql: Self.settleSQL)
            for result in results {
                try Self.recordAttempt(db, insert, settle, result.complaintID, result.attempt, result.resolution)
            }
        }
        // Released only once recorded. An attempt that could not be recorded (a full disk) keeps
        // its item leased until the dispatcher gives it back (or the lease expires): released
        // here, it was pending again at once, and the next claim sent it again, hundreds of times
        // a second, with no attempt on record.
        leases.release(results.lazy.map { $0.complaintID })
    }

    private static func recordAttempt(
        _ db: Database, _ insert: Statement, _ settleStatement: Statement, _ complaintID: String,
        _ attempt: DeliveryAttempt, _ resolution: DeliveryResolution
    ) throws {
        let finishedAt = attempt.startedAt.addingTimeInterval(attempt.latencyMilliseconds / 1000)
        try insert.run(
            complaintID, attempt.attempt, attempt.department, attempt.url, attempt.startedAt.unixMilliseconds,
            attempt.latencyMilliseconds, attempt.statusCode, attempt.outcome, attempt.error,
            attempt.responseSnippet)
        let now = finishedAt.unixMilliseconds
        switch resolution {
        case .delivered:
            // No "delivered" event row: the attempt row just written is that event (see
            // ``deliveredEvent(_:)``), as the complaint row is the "accepted" one.
            try settle(
                settleStatement, complaintID, as: .delivered, attempts: attempt.attempt, error: nil, at: finishedAt)
        case .retry(let at):
            try db.cachedStatement(
                sql: """
                    UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?,
                        first_attempt_at = coalesce(first_attempt_at, ?)
                    WHERE complaint_id = ? AND state = 'pending'
                    """
            ).run(
                attempt.attempt, at.unixMilliseconds, attempt.error, now, attempt.startedAt.unixMilliseconds,
                complaintID)
            try appendEvent(
                db, complaintID: complaintID, at: finishedAt, type: "retry_scheduled",
                detail: "attempt \(attempt.attempt) failed (\(attempt.error ?? "?")); next at \(RFC3339.format(at))"
            )
        case .dead:
            try settle(
                settleStatement, complaintID, as: .dead, attempts: attempt.attempt, error: attempt.error, at: finishedAt
            )
            try appendEvent(
                db, complaintID: complaintID, at: finishedAt, type: "dead_lettered",
                detail: "gave up after attempt \(attempt.attempt): \(attempt.error ?? "?")")
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

    public func nextDueTime(departments: Set<String>) async throws -> Date? {
        guard !departments.isEmpty else { return nil }
        return try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending' AND department = ?")
            return try departments.compactMap { try Int64.fetchOne(statement, arguments: [$0]) }.min()
                .map(Date.init(unixMilliseconds:))
        }
    }

    public func outboxDepth() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE state = 'pending'")) ?? 0
        }
    }

    /// Ends the outbox row's life as `state`. The row's state is the complaint's state: nothing
    /// else is rewritten.
    private static func settle(
        _ statement: Statement, _ complaintID: String, as state: ComplaintState, attempts: Int, error: String?,
        at: Date
    ) throws {
        try statement.run(state.rawValue, attempts, error, at.unixMilliseconds, complaintID)
    }

    private static let settleSQL =
        "UPDATE outbox SET state = ?, attempts = ?, last_error = ?, updated_at = ? WHERE complaint_id = ?"
}
