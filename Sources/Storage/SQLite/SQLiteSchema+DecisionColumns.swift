import GRDB

extension SQLiteSchema {
    /// A complaint's routing decision lives on its own row: it is written once, with the record,
    /// and read with it. A table of its own cost every intake a second B-tree keyed by the
    /// complaint's id and one more statement (about an eighth of a bulk import's time). The
    /// decisions stored before are copied over, then their table is dropped.
    static func registerDecisionColumns(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("decision-on-complaint-row") { db in
            try db.execute(
                sql: """
                    ALTER TABLE complaints ADD COLUMN priority TEXT;
                    ALTER TABLE complaints ADD COLUMN due_at INTEGER;
                    ALTER TABLE complaints ADD COLUMN rule TEXT;
                    ALTER TABLE complaints ADD COLUMN rule_table TEXT;
                    ALTER TABLE complaints ADD COLUMN tables_version TEXT;
                    ALTER TABLE complaints ADD COLUMN trace TEXT;
                    -- Row values, not UPDATE … FROM: they work from SQLite 3.15, FROM needs 3.33.
                    UPDATE complaints SET (priority, due_at, rule, rule_table, tables_version, trace) = (
                        SELECT d.priority, d.due_at, d.rule, d.rule_table, d.tables_version, d.trace
                        FROM routing_decisions d WHERE d.complaint_id = complaints.id);
                    DROP TABLE routing_decisions;
                    """)
        }
    }
}
