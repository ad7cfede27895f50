import Foundation
import GatewayTestSupport
import Testing

@Suite("A 2xx only after the commit")
struct CommitBeforeAnswerTests {
    @Test("a store that cannot commit gives 503 and keeps nothing half-stored")
    func failingStoreGives503() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // A real fault inside the real store: the outbox insert fails mid-transaction.
        try await sqlite(
            gateway.databasePath,
            "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'injected fault'); END;")
        let reply = try await gateway.post(#"{"text":"垃圾没人清理"}"#)
        #expect(reply.status == 503)
        #expect(reply.errorCode == "store_unavailable")
        #expect(reply.headers.contains { $0.0.lowercased() == "retry-after" })
        for table in ["complaints", "raw_payloads", "outbox", "complaint_events"] {
            #expect(
                try await sqlite(gateway.databasePath, "SELECT count(*) FROM \(table)") == "0",
                "\(table) kept a half-stored row")
        }
        try await sqlite(gateway.databasePath, "DROP TRIGGER fail_outbox;")
        let retry = try await gateway.post(#"{"text":"垃圾没人清理"}"#)
        #expect(retry.status == 201)
        try await gateway.stop()
        await downstream.stop()
    }
}
