import ComplaintCore
import Foundation
import Storage
import Testing

/// SplitMix64: a tiny deterministic generator, so random draws repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh directory under the system temp dir, removed when the test body returns.
func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("dispatch-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

/// Opens a store in a fresh temp directory, runs `body`, closes the store.
func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let path = directory.appendingPathComponent("gateway.sqlite").path
        let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path), logger: quietLogger)
        do {
            try await body(store)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. The timeout is
/// generous: the whole suite runs in parallel on two cores, and a passing wait returns at once.
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

enum Fixtures {
    /// An accepted complaint routed to `department`, as the intake pipeline commits it.
    static func submission(department: String, text: String = "小区门口路灯不亮") -> IntakeSubmission {
        let rawID = GatewayID.raw(ULIDGenerator.shared.next())
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let routing = Complaint.RoutingInfo(
            department: department, priority: .normal, dueAt: now.addingTimeInterval(72 * 3600),
            rule: "lights", table: "keywords")
        let record = Complaint(
            id: GatewayID.complaint(ULIDGenerator.shared.next()), channel: .api, receivedAt: now, ingestedAt: now,
            source: Complaint.Source(adapter: "api", externalID: "ext-" + UUID().uuidString, rawID: rawID),
            complainant: Complaint.Complainant(phone: "+8613812345678"), text: text, routing: routing)
        let raw = RawPayload(
            id: rawID, channel: .api, adapter: "api", receivedAt: now, contentType: "application/json",
            headers: [], body: Data(#"{"text":"\#(text)"}"#.utf8))
        return IntakeSubmission(
            raw: raw, record: record,
            decision: StoredDecision(routing: routing, tablesVersion: "sha256:test", traceJSON: Data("[]".utf8)))
    }
}

/// Polls `condition` until it holds or `timeout` passes, recording an issue when it never held.
///
/// The default is long: the whole suite runs its tests at once on two cores, and there a delivery
/// due in a second has been seen to take half a minute. Only a failing test waits it out.
func expectEventually(
    timeout: Duration = .seconds(60), _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let held = try await eventually(timeout: timeout, condition)
    #expect(held, "condition never held", sourceLocation: sourceLocation)
}
