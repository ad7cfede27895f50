import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import ServiceLifecycle
import Storage
import Testing

/// The dispatcher as a service: graceful shutdown returns, and lets in-flight deliveries finish.
@Suite struct OutboxDispatcherShutdownTests {
    @Test func idleDispatcherReturnsOnGracefulShutdown() async throws {
        try await withStore { store in
            let dispatcher = OutboxDispatcher(
                store: store, transport: HTTP1Transport(), departments: [], logger: quietLogger)
            let group = ServiceGroup(services: [dispatcher], logger: quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await withTimeout(.seconds(20)) { try await group.run() } }
                // Default settings poll every second; shutdown must not wait for the poll either way.
                try await Task.sleep(for: .milliseconds(200))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func inFlightDeliveryFinishesBeforeShutdownReturns() async throws {
        let downstream = DownstreamServer(scripts: ["/slow-ok": .sleep(.seconds(1))])
        try await downstream.run { base in
            try await withStore { store in
                let submission = Fixtures.submission(department: "slow-ok")
                let id = submission.record.id
                _ = try await store.ingest(submission)
                let dispatcher = OutboxDispatcher(
                    store: store, transport: HTTP1Transport(),
                    departments: [department("slow-ok", url: "\(base)/slow-ok", timeout: 15)],
                    settings: fastSettings, logger: quietLogger)
                let group = ServiceGroup(services: [dispatcher], logger: quietLogger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await withTimeout(.seconds(30)) { try await group.run() } }
                    let sent = await eventually { !downstream.requests(to: "/slow-ok").isEmpty }
                    #expect(sent)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                // The answer came after shutdown began, and was still recorded before run() returned.
                let stored = try #require(try await store.complaint(id: id))
                #expect(stored.state == .delivered)
                #expect(stored.deliveries.map(\.statusCode) == [200])
            }
        }
    }

    @Test func cancellationStopsTheDispatcher() async throws {
        try await withStore { store in
            let dispatcher = OutboxDispatcher(
                store: store, transport: HTTP1Transport(), departments: [], logger: quietLogger)
            let task = Task { try await dispatcher.run() }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            try await withTimeout(.seconds(20)) { try await task.value }
        }
    }
}
