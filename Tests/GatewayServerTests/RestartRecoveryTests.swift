import ComplaintDispatch
import Foundation
import GatewayServer
import GatewayTestSupport
import Synchronization
import Testing

@Suite("Restart with undelivered work")
struct RestartRecoveryTests {
    @Test("complaints accepted while the department is down are all delivered after a restart")
    func undeliveredWorkSurvivesRestart() async throws {
        let downstream = try await DownstreamServer.start(defaultScript: .status(503))
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        var ids: Set<String> = []
        for index in 0..<20 {
            let reply = try await first.post(#"{"text":"路灯坏了 \#(index)"}"#)
            #expect(reply.status == 201)
            ids.insert(try #require(reply.json["id"] as? String))
        }
        // Some attempts fail against the 503 before the gateway stops.
        try await eventually("failed attempts") { downstream.requests.count >= 5 }
        try await first.stop()
        #expect(try await sqlite(first.databasePath, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "0")

        downstream.setDefault(.status(200))
        let second = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: first.dataDirectory)
        try await eventually("all delivered after restart") {
            try await sqlite(second.databasePath, "SELECT count(*) FROM outbox WHERE state = 'delivered'") == "20"
        }
        let delivered = Set(downstream.requests.compactMap(\.idempotencyKey))
        #expect(delivered == ids)
        // Every re-send carried the same key: nothing arrived under an unknown key.
        #expect(downstream.requests.allSatisfy { ids.contains($0.idempotencyKey ?? "") })
        try await second.stop()
        await downstream.stop()
    }

    @Test("a paused dispatcher stores and holds; the next unpaused run delivers everything")
    func pausedDispatchHoldsTheOutbox() async throws {
        let downstream = try await DownstreamServer.start()
        let paused = try await RunningGateway.start(downstream: downstream.baseURL) { $0.dispatch.paused = true }
        var ids: Set<String> = []
        for index in 0..<5 {
            ids.insert(try #require(try await paused.post(#"{"text":"停水 \#(index)"}"#).json["id"] as? String))
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(downstream.requests.isEmpty)
        try await paused.stop()

        let running = try await RunningGateway.start(
            downstream: downstream.baseURL, dataDirectory: paused.dataDirectory)
        try await eventually("held complaints delivered") { downstream.requests.count >= 5 }
        #expect(Set(downstream.requests.compactMap(\.idempotencyKey)) == ids)
        try await running.stop()
        await downstream.stop()
    }

    @Test("graceful shutdown under load: every 201 is in the store")
    func shutdownFinishesInFlightCommits() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        // The shutdown starts once a few requests have been answered, with the rest in flight:
        // started at a fixed request instead, on a loaded machine it could come before any answer.
        let answered = AnswerCount()
        let accepted = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // After the server closed, AsyncHTTPClient retries refused connections until the request's
                    // deadline; a short one keeps the test quick, long enough that the first answers come
                    // within it on a loaded machine. Only 201s matter here.
                    guard let reply = try? await gateway.post(#"{"text":"井盖丢失 \#(index)"}"#, timeout: 15),
                        reply.status == 201
                    else {
                        return nil
                    }
                    if answered.count.withLock({ count in
                        count += 1
                        return count == 10
                    }) {
                        Task { await gateway.gateway.shutdown() }
                    }
                    return reply.json["id"] as? String
                }
            }
            var ids: Set<String> = []
            for try await id in group { if let id { ids.insert(id) } }
            return ids
        }
        try await gateway.stop()
        let stored = Set(
            try await sqlite(gateway.databasePath, "SELECT id FROM complaints").split(separator: "\n").map(String.init))
        #expect(!accepted.isEmpty)
        #expect(accepted.isSubset(of: stored))
        // A commit whose 201 was lost with its connection is possible in principle (the client
        // retries with its Idempotency-Key); a 201 without a commit is not.
        await downstream.stop()
    }
}

/// How many requests have been answered, shared by the requests of one test.
private final class AnswerCount: Sendable {
    let count = Mutex(0)
}
