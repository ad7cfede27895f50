import ComplaintCore
import Foundation
import Storage
import Testing

/// `ingest`: what is committed, read back, and how duplicates are recognized.
@Suite struct SQLiteStoreIntakeTests {
    @Test func ingestCreatesAndReadsBackTheRecordAsSubmitted() async throws {
        try await withStore { store, path in
            let submission = Fixtures.submission()
            let outcome = try await store.ingest(submission)
            #expect(outcome == .created(id: submission.record.id, routing: submission.decision.routing))

            let stored = try #require(try await store.complaint(id: submission.record.id))
            let record = try stored.record()
            #expect(record == submission.record)
            #expect(record.routing == submission.decision.routing)
            #expect(record.source.rawID == submission.raw.id)
            #expect(record.text == "晚上11点还在施工,噪音很大")
            #expect(stored.recordJSON == ComplaintJSON.encode(submission.record))
            #expect(stored.state == .pending)
            #expect(stored.tablesVersion == "sha256:test")
            #expect(stored.traceJSON == submission.decision.traceJSON)
            #expect(stored.deliveries.isEmpty)
            #expect(stored.events.map(\.type) == ["accepted"])

            // The raw payload is kept, byte for byte, linked to the complaint.
            let raw = try await SQLiteCLI.run(
                path,
                """
                SELECT disposition, complaint_id, hex(body) = '\(submission.raw.body.hexString)', sha256
                FROM raw_payloads WHERE id = '\(submission.raw.id)';
                """)
            #expect(raw == "accepted|\(submission.record.id)|1|\(submission.raw.sha256)")
        }
    }

    @Test func aRecordDamagedOutsideTheGatewayIsReportedAsCorruptWhenDecoded() async throws {
        try await withStore { store, path in
            let submission = Fixtures.submission()
            _ = try await store.ingest(submission)
            _ = try await SQLiteCLI.run(
                path, "UPDATE complaints SET record = X'7B2269223A' WHERE id = '\(submission.record.id)';")

            // Read as stored: the bytes come back as they are, for whoever shows them.
            let stored = try #require(try await store.complaint(id: submission.record.id))
            #expect(stored.recordJSON == Data(#"{"i":"#.utf8))
            let listed = try #require(try await store.listComplaints(ComplaintQuery()).items.first)
            #expect(listed.recordJSON == stored.recordJSON)
            // Decoded: one error for both reads, saying the store's data is damaged.
            for decode in [stored.record, listed.record] {
                let error = #expect(throws: StorageError.self) { try decode() }
                #expect(error?.code == .corrupt)
                #expect(error?.message.hasPrefix("stored record does not decode") == true)
            }
        }
    }

    @Test func unknownIDReadsAsNil() async throws {
        try await withStore { store, _ throws in
            #expect(try await store.complaint(id: "cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V") == nil)
        }
    }

    @Test func naturalKeyDuplicateReturnsTheFirstIDAndCreatesNothing() async throws {
        try await withStore { store, path in
            let first = Fixtures.submission(externalID: "SM-dup-1")
            #expect(try await store.ingest(first) == .created(id: first.record.id, routing: first.decision.routing))

            // The provider retries: new raw id, new gateway id, same (channel, adapter, external_id).
            let retry = Fixtures.submission(externalID: "SM-dup-1", text: "again")
            let outcome = try await store.ingest(retry)
            #expect(outcome == .duplicate(id: first.record.id, routing: first.decision.routing))
            #expect(outcome.complaintID == first.record.id)

            let page = try await store.listComplaints(ComplaintQuery())
            #expect(page.items.map(\.id) == [first.record.id])
            #expect(try await store.complaint(id: retry.record.id) == nil)
            #expect(try await SQLiteCLI.count(path, "outbox") == 1)
            // The retry's raw payload is still kept, marked as a duplicate of the first.
            #expect(
                try await SQLiteCLI.run(
                    path, "SELECT disposition, complaint_id FROM raw_payloads WHERE id = '\(retry.raw.id)';")
                    == "duplicate|\(first.record.id)")
        }
    }

    @Test func sameExternalIDFromAnotherAdapterOrChannelIsNew() async throws {
        try await withStore { store, _ throws in
            let first = Fixtures.submission(channel: .sms, adapter: "twilio", externalID: "X-1")
            let otherAdapter = Fixtures.submission(channel: .sms, adapter: "vonage", externalID: "X-1")
            let otherChannel = Fixtures.submission(channel: .email, adapter: "twilio", externalID: "X-1")
            for submission in [first, otherAdapter, otherChannel] {
                #expect(
                    try await store.ingest(submission)
                        == .created(id: submission.record.id, routing: submission.decision.routing))
            }
            #expect(try await store.listComplaints(ComplaintQuery()).items.count == 3)
        }
    }

    @Test func sameIdempotencyKeyAndBodyIsADuplicate() async throws {
        try await withStore { store, _ in
            let body = Data(#"{"text":"路灯不亮"}"#.utf8)
            let first = Fixtures.submission(
                channel: .api, adapter: "api", externalID: nil, idempotencyKey: "key-1", body: body)
            _ = try await store.ingest(first)
            let again = Fixtures.submission(
                channel: .api, adapter: "api", externalID: nil, idempotencyKey: "key-1", body: body)
            #expect(try await store.ingest(again) == .duplicate(id: first.record.id, routing: first.decision.routing))
            #expect(try await store.listComplaints(ComplaintQuery()).items.map(\.id) == [first.record.id])
        }
    }

    @Test func sameIdempotencyKeyWithAnotherBodyIsAConflict() async throws {
        try await withStore { store, _ in
            let first = Fixtures.submission(
                channel: .api, adapter: "api", externalID: nil, idempotencyKey: "key-2",
                body: Data(#"{"text":"a"}"#.utf8))
            _ = try await store.ingest(first)
            let other = Fixtures.submission(
                channel: .api, adapter: "api", externalID: nil, idempotencyKey: "key-2",
                body: Data(#"{"text":"b"}"#.utf8))
            #expect(try await store.ingest(other) == .idempotencyConflict(existingID: first.record.id))
            #expect(try await store.listComplaints(ComplaintQuery()).items.map(\.id) == [first.record.id])
            #expect(try await store.complaint(id: other.record.id) == nil)
        }
    }

    @Test func idempotencyKeysAreScopedToTheirChannel() async throws {
        try await withStore { store, _ in
            let api = Fixtures.submission(channel: .api, adapter: "api", externalID: nil, idempotencyKey: "shared")
            let sms = Fixtures.submission(channel: .sms, adapter: "generic", externalID: nil, idempotencyKey: "shared")
            _ = try await store.ingest(api)
            #expect(try await store.ingest(sms) == .created(id: sms.record.id, routing: sms.decision.routing))
        }
    }
}

extension Data {
    /// Uppercase hex, as SQLite's `hex()` writes it.
    var hexString: String { map { String(format: "%02X", $0) }.joined() }
}
