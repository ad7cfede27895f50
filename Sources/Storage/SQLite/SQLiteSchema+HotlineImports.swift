import GRDB

extension SQLiteSchema {
    /// Uploaded call-log files: the bytes live in a file beside the database (a gigabyte does
    /// not belong in a row), and each complaint remembers the upload and line it came from, so a
    /// ticket repeated inside one file is told apart from one sent again in a later upload.
    static func registerHotlineImports(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hotline-imports") { db in
            try db.execute(
                sql: """
                    ALTER TABLE raw_payloads ADD COLUMN body_path TEXT;
                    ALTER TABLE complaints ADD COLUMN raw_id TEXT;
                    ALTER TABLE complaints ADD COLUMN raw_line INTEGER;

                    -- Tickets an upload repeated from earlier uploads, with the line of their first
                    -- occurrence in it: a second occurrence in the same file is then told apart.
                    CREATE TABLE hotline_upload_duplicates (
                        raw_id TEXT NOT NULL,
                        adapter TEXT NOT NULL,
                        external_id TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        complaint_id TEXT NOT NULL,
                        PRIMARY KEY (raw_id, adapter, external_id)
                    ) WITHOUT ROWID;
                    """)
        }
    }
}
