import ComplaintCore
import Foundation
import Storage
import Testing

/// A failing write keeps nothing of the submission, and the store goes on working.
@Suite struct SQLiteStoreAtomicityTests {
    @Test func failedOutboxInsertKeepsNoPartOfTheSubmission() async throws {
        try await withStore { store, path in
            let before = Fixtures.submission()
            _ = try await store.ingest(before)

            try await SQLiteCLI.run(
                path,
                """
                CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'injected'); END;
                """)
            let doomed = Fixtures.submission()
            let error = await #expect(throws: StorageError.self) { try await store.ingest(doomed) }
            #expect(error?.code == .writeFailed)
            #expect(error?.message.contains("injected") == true)

            let id = doomed.record.id
            #expect(try await SQLiteCLI.count(path, "complaints", where: "id = '\(id)'") == 0)
            #expect(try await SQLiteCLI.count(path, "raw_payloads", where: "id = '\(doomed.raw.id)'") == 0)
            #expect(try await SQLiteCLI.count(path, "complaint_events", where: "complaint_id = '\(id)'") == 0)
            #expect(try await store.complaint(id: id) == nil)
            // What was committed before is untouched.
            #expect(try await store.complaint(id: before.record.id)?.state == .pending)

            try await SQLiteCLI.run(path, "DROP TRIGGER fail_outbox;")
            let after = Fixtures.submission()
            #expect(try await store.ingest(after) == .created(id: after.record.id, routing: after.decision.routing))
            // The failed submission can be retried by its sender and is then taken.
            #expect(try await store.ingest(doomed) == .created(id: id, routing: doomed.decision.routing))
            let listed = try await store.listComplaints(ComplaintQuery()).items.map(\.id)
            #expect(listed == [after.record.id, id, before.record.id])
            #expect(try await SQLiteCLI.count(path, "outbox") == 3)
        }
    }

    @Test func oneFailingSubmissionDoesNotFailItsBatch() async throws {
        try await withStore { store, path in
            // Only inserts for one department fail; the others in the same batches must commit.
            try await SQLiteCLI.run(
                path,
                """
                CREATE TRIGGER fail_water BEFORE INSERT ON outbox WHEN NEW.department = 'water'
                BEGIN SELECT RAISE(ABORT, 'injected'); END;
                """)
            let submissions = (0..<100).map { index in
                Fixtures.submission(department: index % 10 == 0 ? "water" : "urban-management")
            }
            let results = await withTaskGroup(of: (IntakeSubmission, Bool).self) { group in
                for submission in submissions {
                    group.addTask { (submission, (try? await store.ingest(submission)) != nil) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (submission, succeeded) in results {
                #expect(succeeded == (submission.decision.routing.department != "water"))
            }
            #expect(try await SQLiteCLI.count(path, "complaints") == 90)
            #expect(try await SQLiteCLI.count(path, "complaints", where: "department = 'water'") == 0)
            #expect(try await SQLiteCLI.count(path, "raw_payloads") == 90)
            #expect(
                try await SQLiteCLI.count(path, "complaints", where: "rule IS NOT NULL AND trace IS NOT NULL") == 90)
        }
    }
}
