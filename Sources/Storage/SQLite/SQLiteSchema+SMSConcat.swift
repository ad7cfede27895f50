import GRDB

extension SQLiteSchema {
    /// Parts of concatenated SMS waiting for the rest of their set (Vonage sends them one by one).
    ///
    /// A part's row outlives its release (`released_at` set), so a provider retrying a part after
    /// the set was assembled is recognized by its message id and never starts a new set.
    static func smsConcatParts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sms_concat_parts (
                    adapter TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    set_key TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    raw_id TEXT NOT NULL,
                    draft BLOB NOT NULL,
                    held_at INTEGER NOT NULL,
                    released_at INTEGER,
                    PRIMARY KEY (adapter, message_id)
                );
                CREATE INDEX sms_concat_parts_held ON sms_concat_parts(adapter, set_key) WHERE released_at IS NULL;
                """)
    }
}
