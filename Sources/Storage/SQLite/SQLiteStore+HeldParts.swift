import Foundation
import GRDB

extension SQLiteStore: SMSPartStore {
    public func holdPart(_ part: HeldPart, raw: RawPayload) async throws -> HoldOutcome {
        let headersJSON = raw.headersJSON
        let sha256 = raw.sha256
        return try await write { db in
            let seen =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM sms_concat_parts WHERE adapter = ? AND message_id = ?",
                    arguments: [part.adapter, part.messageID]) ?? false
            if seen {
                try Self.insertRaw(
                    db, raw, headersJSON: headersJSON, sha256: sha256, disposition: "duplicate", complaintID: nil,
                    error: nil)
                return .duplicate
            }
            try Self.insertRaw(
                db, raw, headersJSON: headersJSON, sha256: sha256, disposition: "held", complaintID: nil, error: nil)
            try db.cachedStatement(
                sql: """
                    INSERT INTO sms_concat_parts (adapter, message_id, set_key, part, total, raw_id, draft, held_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    part.adapter, part.messageID, part.setKey, part.part, part.total, part.rawID, part.draftJSON,
                    part.heldAt.unixMilliseconds,
                ])
            return .held(try Self.heldSet(db, adapter: part.adapter, setKey: part.setKey))
        }
    }

    public func releasableSets(heldBefore cutoff: Date) async throws -> [[HeldPart]] {
        try await read { db in
            let keys = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT adapter, set_key FROM sms_concat_parts WHERE released_at IS NULL
                        GROUP BY adapter, set_key
                        HAVING count(DISTINCT part) >= max(total) OR min(held_at) < ?
                        """), arguments: [cutoff.unixMilliseconds])
            return try keys.map { try Self.heldSet(db, adapter: $0["adapter"], setKey: $0["set_key"]) }
        }
    }

    public func releaseParts(adapter: String, messageIDs: [String]) async throws {
        let now = Date().unixMilliseconds
        try await write { db in
            for id in messageIDs {
                try db.cachedStatement(
                    sql: "UPDATE sms_concat_parts SET released_at = ? WHERE adapter = ? AND message_id = ?"
                ).execute(arguments: [now, adapter, id])
            }
        }
    }

    public func releasedParts(adapter: String, setKey: String, since: Date) async throws -> [HeldPart] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM sms_concat_parts
                        WHERE adapter = ? AND set_key = ? AND released_at IS NOT NULL AND released_at >= ?
                        ORDER BY released_at, part
                        """), arguments: [adapter, setKey, since.unixMilliseconds]
            ).map(Self.heldPart)
        }
    }

    private static func heldSet(_ db: Database, adapter: String, setKey: String) throws -> [HeldPart] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM sms_concat_parts WHERE adapter = ? AND set_key = ? AND released_at IS NULL
                    ORDER BY part, held_at
                    """), arguments: [adapter, setKey]
        ).map(heldPart)
    }

    private static func heldPart(_ row: Row) -> HeldPart {
        HeldPart(
            adapter: row["adapter"], messageID: row["message_id"], setKey: row["set_key"], part: row["part"],
            total: row["total"], rawID: row["raw_id"], draftJSON: row["draft"],
            heldAt: Date(unixMilliseconds: row["held_at"]))
    }
}
