import GRDB

extension SQLiteSchema {
    /// `GET /v1/complaints` filters by channel and by time, newest first. Without an index for
    /// either, a filter that matched few complaints read the whole table to find them: 13.6 s for
    /// `channel=email` on a store of 1.3 million hotline and API complaints (2.9 GB).
    /// - `complaints_channel (channel, id)`: a channel's complaints in id order, so the newest
    ///   come first and the page stops at its limit.
    /// - `complaints_department_channel (department, channel, id)`, in place of `(department,
    ///   id)`: a department's complaints on one channel in id order; on every channel, the few
    ///   newest of each (``ComplaintListSQL``). With the old index, `channel=api&department=D`
    ///   read every complaint of D (2.2 s) when D had none from the API.
    /// - `complaints_received (received_at, channel, department, id)`: a time window's ids, with
    ///   every other filter answered from the index alone; only the page's rows are then read.
    /// - `outbox_dead_department (department, updated_at) WHERE state = 'dead'`: a department's
    ///   dead letters, newest first (`dlq list --department`, `replay --all --department`); the
    ///   dead-letter index alone made that read every dead letter (0.23 s for 300,000 in memory
    ///   when the department had none). Only dead rows are in it: intake never writes it.
    static func registerListIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("complaint-list-indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX complaints_channel ON complaints(channel, id);
                    DROP INDEX complaints_department;
                    CREATE INDEX complaints_department_channel ON complaints(department, channel, id);
                    CREATE INDEX complaints_received ON complaints(received_at, channel, department, id);
                    CREATE INDEX outbox_dead_department ON outbox(department, updated_at) WHERE state = 'dead';
                    """)
        }
    }
}
