import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func ignore(_ raw: RawPayload, reason: String) async throws {
        let headersJSON = raw.headersJSON
        let sha256 = raw.sha256
        try await write { db in
            try Self.insertRaw(
                db, raw, headersJSON: headersJSON, sha256: sha256, disposition: "ignored", complaintID: nil,
                error: reason)
        }
    }

    public func threadParent(channel: Channel, externalIDs: [String]) async throws -> ThreadParent? {
        let ids = Array(externalIDs.prefix(100))
        guard !ids.isEmpty else { return nil }
        return try await read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            // The channel is written into the SQL (it is one of four fixed names) so that SQLite can
            // use the partial index on email Message-IDs, whose condition it must see literally.
            // It is named, too: given two or more ids (a References chain), SQLite chose the natural
            // key's index on the channel alone, which reads every email complaint.
            let index = channel == .email ? "INDEXED BY complaints_email_message_id" : ""
            guard
                let id = try String.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM complaints \(index)
                        WHERE channel = '\(channel.rawValue)' AND external_id IN (\(placeholders))
                        ORDER BY seq LIMIT 1
                        """,
                    arguments: StatementArguments(ids))
            else { return nil }
            return ThreadParent(id: id, routing: try Self.routing(db, complaintID: id))
        }
    }
}

extension SQLiteStore {
    public func mailboxCursor(_ mailbox: String) async throws -> MailboxCursor? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = ?"),
                arguments: [mailbox]
            ).map { row in
                MailboxCursor(
                    uidValidity: UInt64(row["uid_validity"] as Int64), lastUID: UInt64(row["last_uid"] as Int64))
            }
        }
    }

    public func saveMailboxCursor(_ mailbox: String, _ cursor: MailboxCursor) async throws {
        let now = Date().unixMilliseconds
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
                        last_uid = excluded.last_uid, updated_at = excluded.updated_at
                    """
            ).execute(
                arguments: [mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID), now])
        }
    }
}
