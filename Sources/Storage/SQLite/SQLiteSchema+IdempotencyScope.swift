import GRDB

extension SQLiteSchema {
    /// An `Idempotency-Key` belongs to the integrator that sent it (the API adapter is the token's
    /// name), as a payment API scopes keys to its account: two integrators who both number their
    /// requests `1, 2, 3…` must not receive each other's complaints as "duplicates".
    static func registerIdempotencyPerAdapter(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("idempotency-per-adapter") { db in
            try db.execute(
                sql: """
                    DROP INDEX complaints_idempotency;
                    CREATE UNIQUE INDEX complaints_idempotency ON complaints(channel, adapter, idempotency_key)
                        WHERE idempotency_key IS NOT NULL;
                    """)
        }
    }
}
