import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Logging
import ServiceLifecycle
import Storage
import Testing

/// A logger that keeps test output readable.
let quietLogger: Logger = {
    var logger = Logger(label: "test.dispatch")
    logger.logLevel = .critical
    return logger
}()

/// Settings with a short poll so retries due soon are picked up promptly.
let fastSettings = OutboxDispatcher.Settings(maxInFlight: 8, pollInterval: .milliseconds(200), leaseDuration: 60)

/// Runs an ``OutboxDispatcher`` (with its own ``HTTP1Transport``) as a service in a
/// `ServiceGroup` for the duration of `body`, then shuts it down gracefully and waits for it.
func withDispatcher<T: Sendable>(
    store: SQLiteStore, departments: [Department], settings: OutboxDispatcher.Settings = fastSettings,
    transport: HTTP1Transport = HTTP1Transport(), _ body: (OutboxDispatcher) async throws -> T
) async throws -> T {
    let dispatcher = OutboxDispatcher(
        store: store, transport: transport, departments: departments, settings: settings,
        logger: quietLogger)
    let group = ServiceGroup(services: [dispatcher], logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(dispatcher))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// A department posting to `url` with a quick retry schedule and a breaker that reopens quickly.
func department(
    _ id: String, url: String, timeout: TimeInterval = 5, maxAttempts: Int = 10,
    headers: [HeaderField] = []
) -> Department {
    Department(
        id: id, name: id,
        endpoint: Department.Endpoint(
            url: url, timeout: timeout, maxInFlight: 4,
            retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.05, maxDelay: 0.2), headers: headers,
            breaker: CircuitBreakerPolicy(failureThreshold: 5, openDuration: 0.2, maxOpenDuration: 0.5)))
}

struct TimedOut: Error {}

/// Runs `body`, failing with ``TimedOut`` if it has not finished after `timeout`.
func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A store holding one complaint for department `offline`, whose endpoint refuses connections
/// (a bound, never-listening loopback port): the setup of every refused-connection test.
func withOfflineDepartment(
    timeout: TimeInterval, maxAttempts: Int, _ body: (SQLiteStore, String, Department) async throws -> Void
) async throws {
    let closed = try ClosedPort()
    defer { closed.close() }
    try await withStore { store in
        let submission = Fixtures.submission(department: "offline")
        _ = try await store.ingest(submission)
        let offline = department(
            "offline", url: "http://127.0.0.1:\(closed.port)/offline", timeout: timeout, maxAttempts: maxAttempts)
        try await body(store, submission.record.id, offline)
    }
}

/// A department posting to `url` with a quick retry schedule, further configured by `configure`.
func department(
    _ id: String, url: String, configure: (inout Department.Endpoint) -> Void
) -> Department {
    var endpoint = department(id, url: url).endpoint
    configure(&endpoint)
    return Department(id: id, name: id, endpoint: endpoint)
}

/// Ingests `count` complaints for `department`; returns their ids in order.
func ingest(_ count: Int, for department: String, into store: SQLiteStore) async throws -> [String] {
    var ids: [String] = []
    for _ in 0..<count {
        let submission = Fixtures.submission(department: department)
        _ = try await store.ingest(submission)
        ids.append(submission.record.id)
    }
    return ids
}

/// Whether every complaint in `ids` has reached `state`.
func all(_ ids: [String], in store: SQLiteStore, are state: ComplaintState) async throws -> Bool {
    for id in ids where try await store.complaint(id: id)?.state != state { return false }
    return true
}
