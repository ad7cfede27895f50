import GRDB

extension SQLiteSchema {
    /// An upload is `importing` from the moment it is recorded until its last batch commits; one
    /// still `importing` when the gateway starts was cut short, and is finished then. The index
    /// holds only those, so the check at start costs nothing however many payloads are kept.
    static func registerInterruptedImports(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("interrupted-imports") { db in
            try db.execute(
                sql: "CREATE INDEX raw_payloads_importing ON raw_payloads(id) WHERE disposition = 'importing'")
        }
    }
}
