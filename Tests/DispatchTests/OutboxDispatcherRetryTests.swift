import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// End to end: retries that need the outbox item to be claimed again. Fail until
/// DeliveryLeases.swift:53 hands out items released before the claim began.
@Suite struct OutboxDispatcherRetryTests {
    @Test func serverErrorsAreRetriedUntilDelivered() async throws {
        let downstream = DownstreamServer(scripts: ["/flaky": .failThen(failures: 2, failureStatus: 500)])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "flaky")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                try await withDispatcher(store: store, departments: [department("flaky", url: "\(base)/flaky")]) { _ in
                    let delivered = try await eventually { try await store.complaint(id: id)?.state == .delivered }
                    #expect(delivered)
                }
                let stored = try #require(try await store.complaint(id: id))
                #expect(stored.deliveries.map(\.attempt) == [1, 2, 3])
                #expect(stored.deliveries.map(\.statusCode) == [500, 500, 200])
                #expect(stored.deliveries.map(\.outcome) == ["retry", "retry", "delivered"])
                #expect(stored.deliveries.map(\.error) == ["HTTP 500", "HTTP 500", nil])
                #expect(stored.events.map(\.type) == ["accepted", "retry_scheduled", "retry_scheduled", "delivered"])
                let requests = downstream.requests(to: "/flaky")
                #expect(requests.count == 3)
                #expect(
                    requests.allSatisfy {
                        $0.idempotencyKey == id && $0.body == ComplaintJSON.encode(submission.record)
                    })
            }
        }
    }

    @Test func refusedConnectionsAreRetriedThenDead() async throws {
        try await withOfflineDepartment(timeout: 2, maxAttempts: 3) { store, id, offline in
            try await withDispatcher(store: store, departments: [offline]) { _ in
                let dead = try await eventually { try await store.complaint(id: id)?.state == .dead }
                #expect(dead)
            }
            let stored = try #require(try await store.complaint(id: id))
            #expect(stored.deliveries.map(\.attempt) == [1, 2, 3])
            #expect(stored.deliveries.map(\.outcome) == ["retry", "retry", "dead"])
            #expect(stored.deliveries.allSatisfy { $0.statusCode == nil })
            #expect(stored.deliveries.allSatisfy { ($0.error ?? "").isEmpty == false })
            #expect(
                stored.deliveries.first?.error?.localizedCaseInsensitiveContains("refused") == true,
                "\(stored.deliveries.map(\.error))")
            #expect(stored.deliveries.last?.error?.contains("gave up after 3 attempts") == true)
            #expect(stored.events.map(\.type) == ["accepted", "retry_scheduled", "retry_scheduled", "dead_lettered"])
        }
    }
}
