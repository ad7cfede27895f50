import ComplaintCore
import Foundation
import Storage
import Testing

/// Payloads that could not be parsed are kept with their error and listed.
@Suite struct SQLiteStoreQuarantineTests {
    @Test func quarantineStoresTheRawWithItsError() async throws {
        try await withStore { store, path in
            let first = Fixtures.raw(body: "garbage 1")
            let second = Fixtures.raw(channel: .sms, adapter: "plivo", body: "garbage two")
            try await store.quarantine(first, error: "no From header")
            try await store.quarantine(second, error: "missing field MessageUUID")

            let listed = try await store.quarantined(limit: 10, before: nil)
            #expect(listed.map(\.id) == [second.id, first.id])
            let item = try #require(listed.first)
            #expect(item.channel == .sms)
            #expect(item.adapter == "plivo")
            #expect(item.error == "missing field MessageUUID")
            #expect(item.sha256 == second.sha256)
            #expect(item.size == "garbage two".utf8.count)
            #expect(item.receivedAt == second.receivedAt)

            #expect(try await store.quarantined(limit: 1, before: nil).map(\.id) == [second.id])
            // The next page starts after the last id of the one before.
            #expect(try await store.quarantined(limit: 1, before: second.id).map(\.id) == [first.id])
            #expect(try await store.quarantined(limit: 1, before: first.id).isEmpty)
            // The body itself is kept, not only its hash.
            #expect(
                try await SQLiteCLI.run(path, "SELECT CAST(body AS TEXT) FROM raw_payloads WHERE id = '\(first.id)';")
                    == "garbage 1")
            // Quarantine creates no complaint.
            #expect(try await store.listComplaints(ComplaintQuery()).items.isEmpty)
        }
    }

    @Test func acceptedPayloadsAreNotListedAsQuarantined() async throws {
        try await withStore { store, _ in
            _ = try await store.ingest(Fixtures.submission())
            #expect(try await store.quarantined(limit: 10, before: nil).isEmpty)
        }
    }
}
