import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore: BatchIntakeStore {
    public func storeUpload(_ raw: RawPayload, bodyPath: String, sha256: String, error: String?) async throws {
        let headersJSON = raw.headersJSON
        try await write { db in
            try Self.insertRaw(
                db, raw, headersJSON: headersJSON, sha256: sha256,
                disposition: error == nil ? "importing" : "quarantined",
                complaintID: nil, error: error)
            try db.cachedStatement(sql: "UPDATE raw_payloads SET body_path = ? WHERE id = ?")
                .execute(arguments: [bodyPath, raw.id])
        }
    }

    public func finishUpload(
        rawID: String, summary: String, supersedes: @escaping @Sendable ([RawPayload.Header]) -> Bool
    ) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE raw_payloads SET disposition = 'accepted', import_summary = ?
                    WHERE id = ? AND disposition = 'importing'
                    """,
                arguments: [summary, rawID])
            let copies = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, headers FROM raw_payloads
                    WHERE disposition = 'quarantined' AND channel = 'hotline' AND id != ?
                      AND sha256 = (SELECT sha256 FROM raw_payloads WHERE id = ?)
                    """,
                arguments: [rawID, rawID])
            for copy in copies where supersedes(RawPayload.headers(storedAs: copy["headers"])) {
                try db.execute(
                    sql: """
                        UPDATE raw_payloads SET disposition = 'superseded', error = 'imported as ' || ? || ': ' || error
                        WHERE id = ?
                        """,
                    arguments: [rawID, copy["id"] as String])
            }
        }
    }

    public func abandonUpload(rawID: String, error: String) async throws {
        try await write { db in
            try db.execute(
                sql:
                    "UPDATE raw_payloads SET disposition = 'quarantined', error = ? WHERE id = ? AND disposition = 'importing'",
                arguments: [error, rawID])
        }
    }

    public func reopenUpload(rawID: String, profile: String, headers: [RawPayload.Header]?) async throws -> Bool {
        let headersJSON = headers.map { String(decoding: RawPayload.json(of: $0), as: UTF8.self) }
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE raw_payloads SET disposition = 'importing', adapter = ?, error = NULL,
                        headers = coalesce(?, headers)
                    WHERE id = ? AND disposition = 'quarantined' AND channel = 'hotline' AND body_path IS NOT NULL
                    """,
                arguments: [profile, headersJSON, rawID])
            return db.changesCount == 1
        }
    }

    public func interruptedUploads() async throws -> [InterruptedUpload] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, adapter, received_at, body_path, headers FROM raw_payloads
                    WHERE disposition = 'importing' AND body_path IS NOT NULL ORDER BY id
                    """
            ).map { row in
                InterruptedUpload(
                    rawID: row["id"], profile: row["adapter"], receivedAt: Date(unixMilliseconds: row["received_at"]),
                    bodyPath: self.keptFile(row["body_path"]) ?? "",
                    headers: RawPayload.headers(storedAs: row["headers"]))
            }
        }
    }

    public func recordedPayloads(among rawIDs: [String]) async throws -> Set<String> {
        try await read { db in
            var recorded: Set<String> = []
            // In slices: SQLite binds at most 32,766 values to one statement.
            for start in stride(from: 0, to: rawIDs.count, by: 500) {
                let slice = Array(rawIDs[start..<min(start + 500, rawIDs.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                recorded.formUnion(
                    try String.fetchAll(
                        db, sql: "SELECT id FROM raw_payloads WHERE id IN (\(marks))",
                        arguments: StatementArguments(slice)))
            }
            return recorded
        }
    }

    public func ingestBatch(rawID: String, items: [BatchIntakeItem]) async throws -> [BatchIntakeOutcome] {
        // In the bulk lane: requests that arrive during an upload do not queue behind its batches.
        try await write(lane: .bulk) { db in
            let insertComplaint = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO complaints (id, channel, adapter, external_id, department, received_at,
                        ingested_at, record, raw_id, raw_line, priority, due_at, rule, rule_table, tables_version, trace,
                        content_fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertOutbox = try db.cachedStatement(
                sql: """
                    INSERT INTO outbox (complaint_id, department, state, attempts, next_attempt_at, updated_at)
                    VALUES (?, ?, 'pending', 0, ?, ?)
                    """)
            let noteDuplicate = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO hotline_upload_duplicates (raw_id, adapter, external_id, line, complaint_id)
                    VALUES (?, ?, ?, ?, ?)
                    """)
            let findDuplicate = try db.cachedStatement(
                sql: "SELECT line FROM hotline_upload_duplicates WHERE raw_id = ? AND adapter = ? AND external_id = ?")
            let statements = BatchStatements(
                insertComplaint: insertComplaint, insertOutbox: insertOutbox, noteDuplicate: noteDuplicate,
                findDuplicate: findDuplicate)
            var outcomes: [BatchIntakeOutcome] = []
            outcomes.reserveCapacity(items.count)
            // Each item read in place: `for item in items`, and even a borrowed `items[index]`,
            // copied every item (512 bytes, and a retain and a release of each of its strings) on the
            // writer's thread, the import's busiest.
            try items.withUnsafeBufferPointer { items in
                for index in items.indices {
                    outcomes.append(try statements.ingest(items.baseAddress! + index, rawID: rawID, db))
                }
            }
            return outcomes
        }
    }
}

/// The batch's prepared statements, and what one item of it does with them.
private struct BatchStatements {
    let insertComplaint: Statement
    let insertOutbox: Statement
    let noteDuplicate: Statement
    let findDuplicate: Statement

    func ingest(_ item: UnsafePointer<BatchIntakeItem>, rawID: String, _ db: Database) throws -> BatchIntakeOutcome {
        let routing = item.pointee.decision.routing
        try insertComplaint.run(
            item.pointee.record.id, item.pointee.record.channel.rawValue, item.pointee.record.source.adapter,
            item.pointee.record.source.externalID,
            routing.department, item.pointee.record.receivedAt.unixMilliseconds,
            item.pointee.record.ingestedAt.unixMilliseconds,
            item.pointee.recordJSON, rawID, item.pointee.line, routing.priority.rawValue,
            routing.dueAt?.unixMilliseconds,
            routing.rule, routing.table, item.pointee.decision.tablesVersion, UTF8Text(item.pointee.decision.traceJSON),
            item.pointee.contentFingerprint)
        if db.changesCount == 0 {
            // The natural key exists: an earlier upload, or an earlier line of this one.
            let adapter = item.pointee.record.source.adapter
            let externalID = item.pointee.record.source.externalID
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: NaturalKeyQuery.sql(
                            selecting: "id, raw_id, raw_line, content_fingerprint", channel: item.pointee.record.channel
                        )),
                    arguments: [adapter, externalID])
            else { throw StorageError(.corrupt, "complaint \(item.pointee.record.id) was neither inserted nor found") }
            let id: String = row["id"]
            let earlier = row["content_fingerprint"] as Int64?
            let sameContent = earlier != nil && earlier == item.pointee.contentFingerprint
            // The same line of the same upload is a row an interrupted import took before it
            // stopped (the import is being finished): taken, not repeated in the file.
            if row["raw_id"] as String? == rawID {
                let firstLine: Int? = row["raw_line"]
                if firstLine == item.pointee.line { return .duplicate(id: id) }
                return .duplicateInUpload(id: id, firstLine: firstLine, sameContent: sameContent)
            }
            try noteDuplicate.run(rawID, adapter, externalID, item.pointee.line, id)
            if db.changesCount == 0 {
                let firstLine = try Int.fetchOne(findDuplicate, arguments: [rawID, adapter, externalID])
                if firstLine == item.pointee.line { return .duplicate(id: id) }
                return .duplicateInUpload(id: id, firstLine: firstLine, sameContent: sameContent)
            }
            // Read whole only when the row says something else: a re-upload's rows mostly do not.
            if let earlier, let now = item.pointee.contentFingerprint, earlier != now,
                let record = try Data.fetchOne(
                    db.cachedStatement(sql: "SELECT record FROM complaints WHERE id = ?"), arguments: [id])
            {
                return .changedDuplicate(id: id, earlierRecord: record)
            }
            return .duplicate(id: id)
        }
        let now = item.pointee.record.ingestedAt.unixMilliseconds
        try insertOutbox.run(item.pointee.record.id, routing.department, now, now)
        return .created(id: item.pointee.record.id)
    }
}
