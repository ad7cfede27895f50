import GRDB

/// Schema versions of the SQLite store. Migrations are append-only: never edit a shipped one.
enum SQLiteSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            // Every inbound payload as received. `disposition`: accepted | duplicate | quarantined
            // (and, added later: ignored, held, and importing for an upload not yet fully committed).
            try db.execute(
                sql: """
                    CREATE TABLE raw_payloads (
                        id TEXT NOT NULL UNIQUE,
                        channel TEXT NOT NULL,
                        adapter TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        content_type TEXT,
                        headers TEXT NOT NULL,
                        body BLOB NOT NULL,
                        sha256 TEXT NOT NULL,
                        disposition TEXT NOT NULL,
                        complaint_id TEXT,
                        error TEXT
                    );
                    CREATE INDEX raw_payloads_quarantine ON raw_payloads(id) WHERE disposition = 'quarantined';

                    CREATE TABLE complaints (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        channel TEXT NOT NULL,
                        adapter TEXT NOT NULL,
                        external_id TEXT,
                        idempotency_key TEXT,
                        request_sha256 TEXT,
                        department TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        ingested_at INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        record BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX complaints_natural_key ON complaints(channel, adapter, external_id)
                        WHERE external_id IS NOT NULL;
                    CREATE UNIQUE INDEX complaints_idempotency ON complaints(channel, idempotency_key)
                        WHERE idempotency_key IS NOT NULL;
                    CREATE INDEX complaints_department ON complaints(department, id);

                    CREATE TABLE routing_decisions (
                        complaint_id TEXT PRIMARY KEY,
                        department TEXT NOT NULL,
                        priority TEXT NOT NULL,
                        due_at INTEGER,
                        rule TEXT NOT NULL,
                        rule_table TEXT NOT NULL,
                        tables_version TEXT NOT NULL,
                        trace TEXT NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE outbox (
                        complaint_id TEXT PRIMARY KEY,
                        department TEXT NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';

                    CREATE TABLE delivery_attempts (
                        id INTEGER PRIMARY KEY,
                        complaint_id TEXT NOT NULL,
                        attempt INTEGER NOT NULL,
                        department TEXT NOT NULL,
                        url TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        latency_ms REAL NOT NULL,
                        status_code INTEGER,
                        outcome TEXT NOT NULL,
                        error TEXT,
                        response_snippet TEXT
                    );
                    CREATE INDEX delivery_attempts_complaint ON delivery_attempts(complaint_id);

                    -- Lifecycle history: appended, never rewritten. complaints.state is its latest value.
                    CREATE TABLE complaint_events (
                        seq INTEGER PRIMARY KEY,
                        complaint_id TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        detail TEXT
                    );
                    CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id);
                    """)
        }
        migrator.registerMigration("sms-concat-parts", migrate: SQLiteSchema.smsConcatParts)
        migrator.registerMigration("v2-email") { db in
            // Attachment bytes beside the raw payload; `data` is NULL for one over the size limit
            // (its bytes are still inside the raw message).
            try db.execute(
                sql: """
                    CREATE TABLE attachments (
                        complaint_id TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        filename TEXT,
                        content_type TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        data BLOB,
                        PRIMARY KEY (complaint_id, position)
                    ) WITHOUT ROWID;
                    -- Replies name earlier messages by Message-ID, whatever mailbox they came through.
                    CREATE INDEX complaints_email_message_id ON complaints(external_id) WHERE channel = 'email';

                    -- How far each polled IMAP mailbox has been committed.
                    CREATE TABLE mailbox_cursors (
                        mailbox TEXT PRIMARY KEY,
                        uid_validity INTEGER NOT NULL,
                        last_uid INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        registerReliableDispatch(&migrator)
        registerHotlineImports(&migrator)
        registerDueByDepartment(&migrator)
        registerStateInOutbox(&migrator)
        registerCoveringDueIndex(&migrator)
        registerDeliveredEventFromAttempt(&migrator)
        registerDecisionColumns(&migrator)
        registerListIndexes(&migrator)
        registerIdempotencyPerAdapter(&migrator)
        registerInterruptedImports(&migrator)
        registerReleasedParts(&migrator)
        registerContentFingerprint(&migrator)
        registerUploadHistory(&migrator)
        return migrator
    }
}
