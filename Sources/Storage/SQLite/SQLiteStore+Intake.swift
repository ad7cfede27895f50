import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func ingest(_ submission: IntakeSubmission) async throws -> IntakeOutcome {
        // Encoding happens before the commit queue so the single writer spends its time on SQLite only.
        let recordJSON = ComplaintJSON.encode(submission.record)
        let headersJSON = submission.raw.headersJSON
        let requestHash = submission.raw.sha256
        let contentHash = submission.requestHash ?? requestHash
        return try await write { db in
            if let existing = try Self.findDuplicate(db, submission, hashes: [contentHash, requestHash]) {
                // A reused key's other body is refused: kept with the quarantine, where the
                // integrator's refused requests are looked for.
                let conflict = if case .idempotencyConflict = existing { true } else { false }
                try Self.insertRaw(
                    db, submission.raw, headersJSON: headersJSON, sha256: requestHash,
                    disposition: conflict ? "quarantined" : "duplicate", complaintID: existing.complaintID,
                    error: conflict
                        ? "Idempotency-Key \(submission.idempotencyKey ?? "") already used for \(existing.complaintID) "
                            + "with another body" : nil)
                return existing
            }
            let record = submission.record
            let routing = submission.decision.routing
            try Self.insertRaw(
                db, submission.raw, headersJSON: headersJSON, sha256: requestHash,
                disposition: "accepted", complaintID: record.id, error: nil)
            try db.cachedStatement(
                sql: """
                    INSERT INTO complaints (id, channel, adapter, external_id, idempotency_key, request_sha256,
                        department, received_at, ingested_at, record, priority, due_at, rule, rule_table,
                        tables_version, trace)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run(
                record.id, record.channel.rawValue, record.source.adapter, record.source.externalID,
                // The request's hash only serves the Idempotency-Key check (a repeated key with a
                // different body); the raw payload keeps every request's hash anyway.
                submission.idempotencyKey, submission.idempotencyKey == nil ? nil : contentHash, routing.department,
                record.receivedAt.unixMilliseconds, record.ingestedAt.unixMilliseconds, recordJSON,
                routing.priority.rawValue, routing.dueAt?.unixMilliseconds, routing.rule, routing.table,
                submission.decision.tablesVersion, UTF8Text(submission.decision.traceJSON))
            let now = record.ingestedAt.unixMilliseconds
            try db.cachedStatement(
                sql: """
                    INSERT INTO outbox (complaint_id, department, state, attempts, next_attempt_at, updated_at)
                    VALUES (?, ?, 'pending', 0, ?, ?)
                    """
            ).run(record.id, routing.department, now, now)
            for (position, attachment) in record.attachments.enumerated() {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO attachments (complaint_id, position, filename, content_type, size, sha256, data)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).run(
                    record.id, position, attachment.filename, attachment.contentType, attachment.size,
                    attachment.sha256,
                    position < submission.attachmentData.count ? submission.attachmentData[position] : nil)
            }
            // No "accepted" event row: the complaint row is that event (its ingested_at and
            // decision), and reads present it first; one B-tree less on every commit.
            return .created(id: record.id, routing: routing)
        }
    }

    public func quarantine(_ raw: RawPayload, error: String) async throws {
        let headersJSON = raw.headersJSON
        let sha256 = raw.sha256
        try await write { db in
            try Self.insertRaw(
                db, raw, headersJSON: headersJSON, sha256: sha256, disposition: "quarantined",
                complaintID: nil, error: error)
        }
    }

    /// - Parameter hashes: what a repeated Idempotency-Key's stored hash may be: the request's
    /// content hash, or (for a key stored before content hashes were kept) its body's.
    private static func findDuplicate(_ db: Database, _ submission: IntakeSubmission, hashes: [String]) throws
        -> IntakeOutcome?
    {
        let record = submission.record
        // Both lookups run on most requests (every SMS and email has an external id), so they read
        // their columns directly instead of through GRDB rows.
        if let key = submission.idempotencyKey,
            let (id, sha256) = try db.cachedStatement(
                sql:
                    "SELECT id, request_sha256 FROM complaints WHERE channel = ? AND adapter = ? AND idempotency_key = ?"
            ).readRows(
                record.channel.rawValue, record.source.adapter, key, row: { ($0.string(0), $0.optionalString(1)) }
            ).first
        {
            guard let sha256, hashes.contains(sha256) else { return .idempotencyConflict(existingID: id) }
            return .duplicate(id: id, routing: try routing(db, complaintID: id))
        }
        if let externalID = record.source.externalID,
            let id = try db.cachedStatement(sql: NaturalKeyQuery.sql(selecting: "id", channel: record.channel))
                .readRows(record.source.adapter, externalID, row: { $0.string(0) }).first
        {
            return .duplicate(id: id, routing: try routing(db, complaintID: id))
        }
        return nil
    }

    static func routing(_ db: Database, complaintID: String) throws -> Complaint.RoutingInfo {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT department, priority, due_at, rule, rule_table FROM complaints WHERE id = ?"
                ),
                arguments: [complaintID]),
            row["rule"] as String? != nil
        else { throw StorageError(.corrupt, "complaint \(complaintID) has no routing decision") }
        return Complaint.RoutingInfo(
            department: row["department"],
            priority: Priority(rawValue: row["priority"]) ?? .normal,
            dueAt: (row["due_at"] as Int64?).map(Date.init(unixMilliseconds:)),
            rule: row["rule"],
            table: row["rule_table"]
        )
    }

    static func insertRaw(
        _ db: Database, _ raw: RawPayload, headersJSON: Data, sha256: String, disposition: String,
        complaintID: String?, error: String?
    ) throws {
        if raw.fromQuarantine {
            // Only from quarantine: a payload re-processed twice at once, or taken meanwhile, must
            // not be taken twice (the caller's savepoint undoes the rest of its writes).
            try db.cachedStatement(
                sql: """
                    UPDATE raw_payloads SET disposition = ?, complaint_id = ?, error = ?
                    WHERE id = ? AND disposition = 'quarantined'
                    """
            ).execute(arguments: [disposition, complaintID, error, raw.id])
            guard db.changesCount == 1 else {
                throw StorageError(.notQuarantined, "payload \(raw.id) is no longer in quarantine")
            }
            return
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO raw_payloads (id, channel, adapter, received_at, content_type, headers, body, sha256,
                    disposition, complaint_id, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            raw.id, raw.channel.rawValue, raw.adapter, raw.receivedAt.unixMilliseconds, raw.contentType,
            UTF8Text(headersJSON), raw.body, sha256, disposition, complaintID, error)
    }

    static func appendEvent(_ db: Database, complaintID: String, at: Date, type: String, detail: String?) throws {
        try db.cachedStatement(sql: "INSERT INTO complaint_events (complaint_id, at, type, detail) VALUES (?, ?, ?, ?)")
            .run(complaintID, at.unixMilliseconds, type, detail)
    }
}
