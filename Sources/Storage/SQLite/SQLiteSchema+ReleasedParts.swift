import GRDB

extension SQLiteSchema {
    /// A part that comes after its set was released incomplete (a provider's resend after an
    /// outage) looks up the released parts of its set, to join the complaint they became.
    static func registerReleasedParts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("sms-concat-released") { db in
            try db.execute(
                sql: """
                    CREATE INDEX sms_concat_parts_released ON sms_concat_parts(adapter, set_key, released_at)
                    WHERE released_at IS NOT NULL
                    """)
        }
    }
}
