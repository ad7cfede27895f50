import GRDB

extension SQLiteSchema {
    /// A call-log row's content fingerprint, so a ticket sent again with other content is told
    /// apart from a plain re-upload (rows stored before have none and are never called changed).
    static func registerContentFingerprint(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hotline-content-fingerprint") { db in
            try db.execute(sql: "ALTER TABLE complaints ADD COLUMN content_fingerprint INTEGER")
        }
    }
}
