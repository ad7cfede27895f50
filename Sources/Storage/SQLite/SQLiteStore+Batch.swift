import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore: BatchIntakeStore {
    public func storeUpload(_ raw: RawPayload, bodyPath: String, sha256: String, error: String?) async throws {
        let headersJSON = raw.headersJSON
        try await write { db in
            try Self.insertRaw(
                db, raw, headersJSON: headersJSON, sha256: sha256,
                disposition: error == nil ? "accepted" : "quarantined",
                complaintID: nil, error: error)
            try db.cachedStatement(sql: "UPDATE raw_payloads SET body_path = ? WHERE id = ?")
                .execute(arguments: [bodyPath, raw.id])
        }
    }

    public func ingestBatch(rawID: String, items: [BatchIntakeItem]) async throws -> [BatchIntakeOutcome] {
        // In the bulk lane: requests that arrive during an upload do not queue behind its batches.
        try await write(lane: .bulk) { db in
            let insertComplaint = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO complaints (id, channel, adapter, external_id, department, received_at,
                        ingested_at, record, raw_id, raw_line, priority, due_at, rule, rule_table, tables_version, trace)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            var outcomes: [BatchIntakeOutcome] = []
            outcomes.reserveCapacity(items.count)
            for item in items {
                let record = item.record
                let routing = item.decision.routing
                try insertComplaint.run(
                    record.id, record.channel.rawValue, record.source.adapter, record.source.externalID,
                    routing.department, record.receivedAt.unixMilliseconds, record.ingestedAt.unixMilliseconds,
                    item.recordJSON, rawID, item.line, routing.priority.rawValue, routing.dueAt?.unixMilliseconds,
                    routing.rule, routing.table, item.decision.tablesVersion, UTF8Text(item.decision.traceJSON))
                if db.changesCount == 0 {
                    // The natural key exists: an earlier upload, or an earlier line of this one.
                    guard
                        let row = try Row.fetchOne(
                            db.cachedStatement(
                                sql: NaturalKeyQuery.sql(selecting: "id, raw_id, raw_line", channel: record.channel)),
                            arguments: [record.source.adapter, record.source.externalID])
                    else { throw StorageError(.corrupt, "complaint \(record.id) was neither inserted nor found") }
                    let id: String = row["id"]
                    if row["raw_id"] as String? == rawID {
                        outcomes.append(.duplicateInUpload(id: id, firstLine: row["raw_line"]))
                        continue
                    }
                    try noteDuplicate.run(rawID, record.source.adapter, record.source.externalID, item.line, id)
                    if db.changesCount == 0 {
                        let firstLine = try Int.fetchOne(
                            findDuplicate, arguments: [rawID, record.source.adapter, record.source.externalID])
                        outcomes.append(.duplicateInUpload(id: id, firstLine: firstLine))
                    } else {
                        outcomes.append(.duplicate(id: id))
                    }
                    continue
                }
                let now = record.ingestedAt.unixMilliseconds
                try insertOutbox.run(record.id, routing.department, now, now)
                outcomes.append(.created(id: record.id))
            }
            return outcomes
        }
    }
}
