import Foundation
import GRDB

extension SQLiteStore {
    public func uploads(limit: Int, before: String?) async throws -> [UploadHistoryEntry] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, adapter, received_at, headers, sha256, body_path, disposition, error, import_summary
                        FROM raw_payloads INDEXED BY raw_payloads_uploads
                        WHERE channel = 'hotline' AND id < ? ORDER BY id DESC LIMIT ?
                        """), arguments: [before ?? "raw_~", max(1, min(limit, 1000))]
            ).map { row in
                UploadHistoryEntry(
                    rawID: row["id"], profile: row["adapter"], receivedAt: Date(unixMilliseconds: row["received_at"]),
                    headers: RawPayload.headers(storedAs: row["headers"]), sha256: row["sha256"],
                    size: self.keptFileSize(row["body_path"]),
                    disposition: row["disposition"], error: row["error"], summaryJSON: row["import_summary"])
            }
        }
    }
}
