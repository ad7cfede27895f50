import GRDB

extension SQLiteSchema {
    /// Reliable dispatch: the retry budget restarts on replay, claims go per department, dead
    /// letters are listed per department.
    static func registerReliableDispatch(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dispatch-reliable") { db in
            try db.execute(
                sql: """
                    -- When the first attempt since the last replay began: the give-up time counts from it.
                    ALTER TABLE outbox ADD COLUMN first_attempt_at INTEGER;
                    -- attempts before the last replay (the retry policy counts from here) and replays so far.
                    ALTER TABLE outbox ADD COLUMN attempts_before_replay INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE outbox ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX outbox_department_due ON outbox(department, next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX outbox_dead ON outbox(updated_at) WHERE state = 'dead';
                    """)
        }
    }

    /// The dispatcher claims and asks for the next due time per department, through
    /// outbox_department_due; the department-less index only cost one B-tree write on every
    /// intake and one on every delivery. The rare all-departments reads scan the other index.
    static func registerDueByDepartment(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outbox-due-by-department") { db in
            try db.execute(sql: "DROP INDEX outbox_due")
        }
    }

    /// A complaint's delivery state lives in one place, its outbox row (one per complaint), with
    /// each change appended to complaint_events as before. A delivery used to rewrite the
    /// complaint's row as well: the row holds the record, so every few deliveries dirtied a page
    /// of records, written to the log and again at the checkpoint.
    static func registerStateInOutbox(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("complaint-state-in-outbox") { db in
            try db.execute(sql: "ALTER TABLE complaints DROP COLUMN state")
        }
    }

    /// The claim steps over every due item already out with the dispatcher (in flight, or its
    /// attempt waiting for the commit) on each read: hundreds of entries under load. With `state`
    /// in the index as well, that scan reads the index alone instead of one outbox row per entry.
    static func registerCoveringDueIndex(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outbox-due-covering") { db in
            try db.execute(
                sql: """
                    DROP INDEX outbox_department_due;
                    CREATE INDEX outbox_department_due ON outbox(department, next_attempt_at, state)
                        WHERE state = 'pending';
                    """)
        }
    }

    /// A delivery's "delivered" event is read from its attempt row: the event rows written before
    /// are dropped, so none is shown twice. Every one of them was written in the same
    /// transaction as its attempt; any that has no delivered attempt beside it is kept.
    static func registerDeliveredEventFromAttempt(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("delivered-event-from-attempt") { db in
            try db.execute(
                sql: """
                    DELETE FROM complaint_events WHERE type = 'delivered' AND complaint_id IN (
                        SELECT complaint_id FROM delivery_attempts WHERE outcome = 'delivered')
                    """)
        }
    }
}
