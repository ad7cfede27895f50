import ComplaintCore
import Foundation
import GRDB

extension SQLiteStore {
    public func attachment(complaintID: String, position: Int) async throws -> StoredAttachment.Lookup {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT a.filename, a.content_type, a.size, a.sha256, a.data,
                                (SELECT count(*) FROM attachments WHERE complaint_id = c.id) AS count
                            FROM complaints c
                            LEFT JOIN attachments a ON a.complaint_id = c.id AND a.position = ?
                            WHERE c.id = ?
                            """), arguments: [position, complaintID])
            else { return .noComplaint }
            guard let sha256 = row["sha256"] as String? else { return .noAttachment(count: row["count"]) }
            return .found(
                StoredAttachment(
                    filename: row["filename"], contentType: row["content_type"], size: row["size"], sha256: sha256,
                    data: row["data"]))
        }
    }

    public func attachmentSource(ofComplaint id: String) async throws -> StoredAttachment.Source? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT channel, content_type, body FROM raw_payloads WHERE body_path IS NULL AND id = (
                                SELECT json_extract(CAST(record AS TEXT), '$.source.raw_id') FROM complaints WHERE id = ?)
                            """), arguments: [id]),
                let channel = Channel(rawValue: row["channel"] as String)
            else { return nil }
            return StoredAttachment.Source(channel: channel, contentType: row["content_type"], body: row["body"])
        }
    }
}
