import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func complaint(id: String) async throws -> StoredComplaint? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT o.state, c.record, c.ingested_at, c.department, c.rule, c.rule_table,
                                c.tables_version, c.trace FROM complaints c
                            JOIN outbox o ON o.complaint_id = c.id WHERE c.id = ?
                            """), arguments: [id])
            else { return nil }
            // Every complaint is written with its decision; a row without one was damaged outside the gateway.
            guard row["rule"] as String? != nil, row["trace"] as String? != nil else {
                throw StorageError(.corrupt, "complaint \(id) has no routing decision")
            }
            let attempts = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT attempt, department, url, started_at, latency_ms, status_code, outcome, error, response_snippet
                        FROM delivery_attempts WHERE complaint_id = ? ORDER BY id
                        """), arguments: [id]
            ).map { row in
                DeliveryAttempt(
                    attempt: row["attempt"], department: row["department"], url: row["url"],
                    startedAt: Date(unixMilliseconds: row["started_at"]), latencyMilliseconds: row["latency_ms"],
                    statusCode: row["status_code"], outcome: row["outcome"], error: row["error"],
                    responseSnippet: row["response_snippet"])
            }
            let accepted = ComplaintEvent(
                at: Date(unixMilliseconds: row["ingested_at"]), type: "accepted",
                detail:
                    "routed to \(row["department"] as String) by \(row["rule_table"] as String)/\(row["rule"] as String)"
            )
            // A delivery ends the complaint's history, so its event comes after every stored one.
            let events =
                try [accepted]
                + Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT at, type, detail FROM complaint_events WHERE complaint_id = ? ORDER BY seq
                            """), arguments: [id]
                ).map { row in
                    ComplaintEvent(at: Date(unixMilliseconds: row["at"]), type: row["type"], detail: row["detail"])
                }
                + attempts.filter { $0.outcome == "delivered" }.map(Self.deliveredEvent)
            let trace: String = row["trace"]
            return StoredComplaint(
                recordJSON: row["record"], state: try Self.decodeState(row),
                tablesVersion: row["tables_version"], traceJSON: Data(trace.utf8),
                deliveries: attempts, events: events)
        }
    }

    /// The "delivered" event, told by the successful attempt's row (no event row is stored for it).
    static func deliveredEvent(_ attempt: DeliveryAttempt) -> ComplaintEvent {
        let finished = attempt.startedAt.addingTimeInterval(attempt.latencyMilliseconds / 1000)
        return ComplaintEvent(
            at: Date(unixMilliseconds: finished.unixMilliseconds), type: "delivered",
            detail:
                "HTTP \(attempt.statusCode.map(String.init) ?? "?") from \(attempt.department) on attempt \(attempt.attempt)"
        )
    }

    public func listComplaints(_ query: ComplaintQuery) async throws -> ComplaintPage {
        let limit = max(1, min(query.limit, 1000))
        let statement = ComplaintListSQL(query, limit: limit + 1)
        return try await read { db in
            var rows: [Row] = []
            if let probe = statement.probe {
                rows = try Row.fetchAll(db.cachedStatement(sql: probe.sql), arguments: probe.arguments)
            }
            if rows.count <= limit {
                rows = try Row.fetchAll(db.cachedStatement(sql: statement.sql), arguments: statement.arguments)
            }
            let items = try rows.prefix(limit).map { row in
                ComplaintSummary(id: row["id"], recordJSON: row["record"], state: try Self.decodeState(row))
            }
            return ComplaintPage(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    public func quarantined(limit: Int, before: String? = nil) async throws -> [QuarantinedPayload] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, channel, adapter, received_at, sha256, length(body) AS size, body_path, error
                        FROM raw_payloads
                        WHERE disposition = 'quarantined' AND id < ? ORDER BY id DESC LIMIT ?
                        """), arguments: [before ?? "raw_~", max(1, min(limit, 1000))]
            ).map { row in
                // An upload's bytes are in its file, not the row.
                let fileSize = self.keptFileSize(row["body_path"])
                return QuarantinedPayload(
                    id: row["id"], channel: Channel(rawValue: row["channel"]) ?? .api, adapter: row["adapter"],
                    receivedAt: Date(unixMilliseconds: row["received_at"]), sha256: row["sha256"],
                    size: fileSize ?? row["size"], error: row["error"] ?? "")
            }
        }
    }

    public func quarantinedBody(id: String) async throws -> QuarantinedBody? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT channel, adapter, received_at, content_type, headers, body, body_path FROM raw_payloads
                        WHERE id = ? AND disposition = 'quarantined'
                        """), arguments: [id]
            ).map { row in
                QuarantinedBody(
                    id: id, channel: Channel(rawValue: row["channel"]) ?? .api, adapter: row["adapter"],
                    receivedAt: Date(unixMilliseconds: row["received_at"]), contentType: row["content_type"],
                    headers: RawPayload.headers(storedAs: row["headers"]), body: row["body"],
                    bodyPath: self.keptFile(row["body_path"]))
            }
        }
    }

    static func decodeState(_ row: Row) throws -> ComplaintState {
        let text: String = row["state"]
        guard let state = ComplaintState(rawValue: text) else { throw StorageError(.corrupt, "unknown state \(text)") }
        return state
    }
}
