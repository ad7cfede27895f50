import ComplaintCore
import Foundation
import GRDB
import GatewayTestSupport
import InMemoryLogging
import Logging
import Testing

@testable import Storage

/// A database written before the complaint's state moved to its outbox row opens with every
/// complaint in the state it had.
@Suite struct SQLiteStoreUpgradeTests {
    @Test func statesWrittenOnTheComplaintRowAreReadFromTheOutbox() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let delivered = Fixtures.submission()
            let dead = Fixtures.submission()
            let pending = Fixtures.submission()
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator().migrate(queue, upTo: "outbox-due-by-department")
            try await queue.write { db in
                for (submission, state) in [(delivered, "delivered"), (dead, "dead"), (pending, "pending")] {
                    try Self.insertOldStyle(db, submission, state: state)
                }
            }
            try queue.close()

            let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            #expect(try await store.complaint(id: delivered.record.id)?.state == .delivered)
            #expect(try await store.complaint(id: dead.record.id)?.state == .dead)
            #expect(try await store.complaint(id: pending.record.id)?.state == .pending)
            #expect(
                try await store.complaint(id: delivered.record.id)?.events.map(\.type) == ["accepted", "delivered"])
            let listed = try await store.listComplaints(ComplaintQuery()).items
            #expect(
                Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0.state) })
                    == [delivered.record.id: .delivered, dead.record.id: .dead, pending.record.id: .pending])
            let columns = try await store.pool.read { db in try db.columns(in: "complaints").map(\.name) }
            #expect(!columns.contains("state"))
            #expect(try await store.outboxDepth() == 1)
            try await store.close()
        }
    }

    /// Stores written before a delivery's event was read from its attempt row have an event row
    /// beside each delivered attempt: the upgrade drops it, so the event is listed once.
    @Test func deliveredEventRowsWrittenBeforeAreListedOnce() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let submission = Fixtures.submission()
            let id = submission.record.id
            var store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            _ = try await store.ingest(submission)
            _ = try await store.claimDueDeliveries(limit: 1, now: Date(), leaseDuration: 60)
            try await store.recordDelivery(
                complaintID: id, attempt: Fixtures.attempt(1, status: 200, outcome: "delivered"), resolution: .delivered
            )
            try await store.close()
            // As the earlier store left it: its own event row, and the migration not yet run.
            _ = try await SQLiteCLI.run(
                path,
                """
                INSERT INTO complaint_events (complaint_id, at, type, detail) VALUES ('\(id)', 1, 'delivered', 'old');
                DELETE FROM grdb_migrations WHERE identifier = 'delivered-event-from-attempt';
                """)

            // A step missing between applied ones: brought up to date in one go, reported as one step.
            let handler = InMemoryLogHandler()
            store = try SQLiteStore(
                configuration: SQLiteConfiguration(path: path), logger: Logger(label: "upgrade") { _ in handler })
            let started = handler.entries.filter { $0.message.description == "schema step started" }
            #expect(started.count == 1)
            #expect(started.first?.metadata["cg.step"]?.description == "1/1")
            #expect(started.first?.metadata["cg.migration"]?.description == "delivered-event-from-attempt")
            let events = try #require(try await store.complaint(id: id)).events
            #expect(events.map(\.type) == ["accepted", "delivered"])
            #expect(events.last?.detail == "HTTP 200 from urban-management on attempt 1")
            try await store.close()
        }
    }

    /// Decisions stored in their own table before they moved onto the complaint's row are copied
    /// over: the complaint reads back with the same decision, version and trace, and a repeated
    /// submission answers with that routing.
    @Test func decisionsStoredInTheirOwnTableMoveOntoTheComplaintRow() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let earlier = Fixtures.submission(department: "water")
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator().migrate(queue, upTo: "delivered-event-from-attempt")
            try await queue.write { db in
                let record = earlier.record
                let routing = earlier.decision.routing
                try db.execute(
                    sql: """
                        INSERT INTO complaints (id, channel, adapter, external_id, department, received_at,
                            ingested_at, record) VALUES (?, ?, ?, ?, ?, 1, 1, ?)
                        """,
                    arguments: [
                        record.id, record.channel.rawValue, record.source.adapter, record.source.externalID,
                        routing.department, ComplaintJSON.encode(record),
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO routing_decisions (complaint_id, department, priority, due_at, rule, rule_table,
                            tables_version, trace) VALUES (?, ?, 'urgent', 5000, ?, ?, 'sha256:old', '[{"rule":"r"}]')
                        """, arguments: [record.id, routing.department, routing.rule, routing.table])
                try db.execute(
                    sql: """
                        INSERT INTO outbox (complaint_id, department, state, attempts, next_attempt_at, updated_at)
                        VALUES (?, ?, 'pending', 0, 1, 1)
                        """, arguments: [record.id, routing.department])
            }
            try queue.close()

            let handler = InMemoryLogHandler()
            let store = try SQLiteStore(
                configuration: SQLiteConfiguration(path: path), logger: Logger(label: "upgrade") { _ in handler })
            // The operator is told before the rewrite starts, with the steps that run.
            let notice = try #require(handler.entries.first { $0.level == .notice })
            #expect(notice.message.description.contains("upgrading the store's schema"))
            #expect(
                notice.metadata["cg.migrations"]?.description
                    == "decision-on-complaint-row,complaint-list-indexes,idempotency-per-adapter,interrupted-imports,"
                    + "sms-concat-released,hotline-content-fingerprint,upload-history")
            // Then each step as it starts and ends, in order, and the end of the whole upgrade.
            let steps = handler.entries.filter { $0.level == .notice }.dropFirst().map { entry in
                [
                    entry.message.description, entry.metadata["cg.migration"]?.description ?? "",
                    entry.metadata["cg.step"]?.description ?? "",
                ]
            }
            #expect(
                steps == [
                    ["schema step started", "decision-on-complaint-row", "1/7"],
                    ["schema step done", "decision-on-complaint-row", "1/7"],
                    ["schema step started", "complaint-list-indexes", "2/7"],
                    ["schema step done", "complaint-list-indexes", "2/7"],
                    ["schema step started", "idempotency-per-adapter", "3/7"],
                    ["schema step done", "idempotency-per-adapter", "3/7"],
                    ["schema step started", "interrupted-imports", "4/7"],
                    ["schema step done", "interrupted-imports", "4/7"],
                    ["schema step started", "sms-concat-released", "5/7"],
                    ["schema step done", "sms-concat-released", "5/7"],
                    ["schema step started", "hotline-content-fingerprint", "6/7"],
                    ["schema step done", "hotline-content-fingerprint", "6/7"],
                    ["schema step started", "upload-history", "7/7"],
                    ["schema step done", "upload-history", "7/7"],
                    ["store schema up to date", "", ""],
                ])
            let stored = try #require(try await store.complaint(id: earlier.record.id))
            #expect(stored.tablesVersion == "sha256:old")
            #expect(String(decoding: stored.traceJSON, as: UTF8.self) == #"[{"rule":"r"}]"#)
            #expect(
                stored.events.first?.detail
                    == "routed to water by \(earlier.decision.routing.table)/\(earlier.decision.routing.rule)")
            // The same natural key again: the duplicate answers with the decision as it was stored.
            let again = try await store.ingest(Fixtures.submission(externalID: earlier.record.source.externalID))
            guard case .duplicate(let id, let routing) = again else {
                Issue.record("expected a duplicate, got \(again)")
                return
            }
            #expect(id == earlier.record.id)
            #expect(routing.priority == .urgent)
            #expect(routing.dueAt == Date(unixMilliseconds: 5000))
            #expect(routing.department == "water")
            let tables = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master")
            }
            #expect(!tables.contains("routing_decisions"))
            try await store.close()
        }
    }

    /// While a step runs, a line every heartbeat names it and its time so far; none after it ends.
    @Test func aLongStepIsReportedWhileItRuns() async throws {
        let handler = InMemoryLogHandler()
        var upgrade = SchemaUpgrade(
            migrator: SQLiteSchema.migrator(), path: "gateway.sqlite", logger: Logger(label: "upgrade") { _ in handler }
        )
        upgrade.heartbeat = .milliseconds(50)
        let running = upgrade
        @Sendable func beats() -> [InMemoryLogHandler.Entry] {
            handler.entries.filter { $0.message.description == "schema step still running" }
        }
        await onOwnThread {
            running.whileLogging(step: "complaint-list-indexes", position: "2/2", since: .now()) {
                // The step lasts until three beats came (or 20 s): on a busy machine the timer's
                // queue can be late, and a fixed-length step then saw fewer beats than it should.
                let deadline = Date().addingTimeInterval(20)
                while beats().count < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            }
        }
        let beats = beats()
        #expect(beats.count >= 3)
        #expect(beats.allSatisfy { $0.metadata["cg.migration"]?.description == "complaint-list-indexes" })
        #expect(beats.allSatisfy { $0.metadata["cg.step"]?.description == "2/2" })
        let seconds = beats.compactMap { $0.metadata["cg.seconds"].flatMap { Double($0.description) } }
        #expect(seconds.count == beats.count)
        #expect(seconds == seconds.sorted())
        try await Task.sleep(for: .milliseconds(200))
        #expect(handler.entries.count == beats.count)
    }

    /// A new store is created with every step, without announcing an upgrade; a store already up
    /// to date opens without one either.
    @Test func noUpgradeNoticeForANewOrCurrentStore() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            for _ in 0..<2 {
                let handler = InMemoryLogHandler()
                let store = try SQLiteStore(
                    configuration: SQLiteConfiguration(path: path), logger: Logger(label: "upgrade") { _ in handler })
                #expect(!handler.entries.contains { $0.level == .notice })
                try await store.close()
            }
        }
    }

    /// A store a newer version upgraded is refused, naming the steps, and left as it is.
    @Test func aStoreWithStepsThisVersionDoesNotKnowIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
            _ = try await Fixtures.ingestOne(into: store)
            try await store.close()
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            try queue.close()
            do {
                _ = try SQLiteStore(configuration: SQLiteConfiguration(path: path))
                Issue.record("a store with an unknown schema step was opened")
            } catch let error as StorageError {
                #expect(
                    error.message.hasPrefix("\(path) was upgraded by a newer complaint-gateway"), "\(error.message)")
                #expect(error.message.contains("v99-from-the-future"))
            }
            #expect(try await SQLiteCLI.count(path, "complaints") == 1)
        }
    }

    /// The rows the store wrote for a complaint in `state` while `complaints.state` existed.
    private static func insertOldStyle(_ db: Database, _ submission: IntakeSubmission, state: String) throws {
        let record = submission.record
        let routing = submission.decision.routing
        let at = record.ingestedAt.timeIntervalSince1970 * 1000
        try db.execute(
            sql: """
                INSERT INTO complaints (id, channel, adapter, external_id, department, received_at, ingested_at,
                    state, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.id, record.channel.rawValue, record.source.adapter, record.source.externalID,
                routing.department, at, at, state, ComplaintJSON.encode(record),
            ])
        try db.execute(
            sql: """
                INSERT INTO routing_decisions (complaint_id, department, priority, rule, rule_table, tables_version,
                    trace) VALUES (?, ?, 'normal', ?, ?, 'sha256:old', '[]')
                """, arguments: [record.id, routing.department, routing.rule, routing.table])
        try db.execute(
            sql: """
                INSERT INTO outbox (complaint_id, department, state, attempts, next_attempt_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, routing.department, state, state == "pending" ? 0 : 1, at, at])
        if state != "pending" {
            try db.execute(
                sql: "INSERT INTO complaint_events (complaint_id, at, type, detail) VALUES (?, ?, ?, 'before')",
                arguments: [record.id, at + 1, state == "dead" ? "dead_lettered" : "delivered"])
        }
    }
}
