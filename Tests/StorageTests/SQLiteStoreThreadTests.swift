import ComplaintCore
import Foundation
import Storage
import Testing

/// `threadParent`: a reply's In-Reply-To and References find the complaint it follows.
@Suite struct SQLiteStoreThreadTests {
    @Test("of the ids a reply names, the earliest stored email complaint is its parent")
    func earliestNamedEmailIsTheParent() async throws {
        try await withStore { store, _ in
            let first = Fixtures.submission(channel: .email, adapter: "imap", externalID: "a@example.cn")
            let second = Fixtures.submission(channel: .email, adapter: "imap", externalID: "b@example.cn")
            // The same id on another channel is no email's parent.
            let sms = Fixtures.submission(channel: .sms, externalID: "c@example.cn")
            for submission in [first, second, sms] { _ = try await store.ingest(submission) }
            for index in 0..<50 {
                _ = try await store.ingest(
                    Fixtures.submission(channel: .email, adapter: "imap", externalID: "other-\(index)@example.cn"))
            }

            let parent = try await store.threadParent(
                channel: .email, externalIDs: ["unknown@example.cn", "b@example.cn", "a@example.cn"])
            #expect(parent?.id == first.record.id)
            #expect(parent?.routing.department == first.decision.routing.department)
            let reply = try await store.threadParent(channel: .email, externalIDs: ["b@example.cn"])
            #expect(reply?.id == second.record.id)
            #expect(try await store.threadParent(channel: .email, externalIDs: ["c@example.cn", "x@y"]) == nil)
            #expect(try await store.threadParent(channel: .email, externalIDs: []) == nil)
            #expect(try await store.threadParent(channel: .sms, externalIDs: ["c@example.cn"])?.id == sms.record.id)
        }
    }
}
