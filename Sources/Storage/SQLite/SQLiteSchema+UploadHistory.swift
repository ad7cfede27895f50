import GRDB

extension SQLiteSchema {
    /// The upload history staff see on the upload page: each finished upload keeps its report's
    /// counts (the whole report, with every rejected row, is answered once and not kept), and the
    /// uploads are listed newest first from an index that holds them alone, however many other
    /// payloads the store keeps.
    static func registerUploadHistory(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("upload-history") { db in
            try db.execute(
                sql: """
                    ALTER TABLE raw_payloads ADD COLUMN import_summary TEXT;
                    CREATE INDEX raw_payloads_uploads ON raw_payloads(id) WHERE channel = 'hotline';
                    """)
        }
    }
}
