import ComplaintCore
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// A fresh directory under the system temp dir, removed when the test body returns.
func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("storage-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

/// Opens a store on `gateway.sqlite` in a fresh temp directory, runs `body`, closes the store.
func withStore(
    synchronous: SQLiteConfiguration.Synchronous = .full,
    _ body: (SQLiteStore, String) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        let path = directory.appendingPathComponent("gateway.sqlite").path
        let store = try SQLiteStore(configuration: SQLiteConfiguration(path: path, synchronous: synchronous))
        do {
            try await body(store, path)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// A date with whole seconds: records carry RFC 3339 times without fractions.
func wholeSeconds(_ date: Date = Date()) -> Date {
    Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
}

/// Builds submissions the way the intake pipeline does: fresh ids, routing set on the record.
enum Fixtures {
    /// Ingests one new complaint (``submission(channel:adapter:externalID:)`` defaults) and returns its id.
    static func ingestOne(into store: SQLiteStore) async throws -> String {
        let submission = Self.submission()
        _ = try await store.ingest(submission)
        return submission.record.id
    }

    static func routing(department: String = "urban-management") -> Complaint.RoutingInfo {
        Complaint.RoutingInfo(
            department: department, priority: .high,
            dueAt: wholeSeconds(Date(timeIntervalSince1970: 1_800_000_000)),
            rule: "noise-night", table: "keywords")
    }

    static func submission(
        channel: Channel = .sms,
        adapter: String = "twilio",
        externalID: String? = "SM" + UUID().uuidString,
        text: String = "晚上11点还在施工,噪音很大",
        department: String = "urban-management",
        receivedAt: Date = wholeSeconds(),
        idempotencyKey: String? = nil,
        body: Data? = nil
    ) -> IntakeSubmission {
        let rawID = GatewayID.raw(ULIDGenerator.shared.next())
        let routing = routing(department: department)
        let record = Complaint(
            id: GatewayID.complaint(ULIDGenerator.shared.next()),
            channel: channel,
            receivedAt: receivedAt,
            ingestedAt: wholeSeconds(),
            source: Complaint.Source(
                adapter: adapter, externalID: externalID, rawID: rawID,
                extra: ["to": .string("+8612345"), "segments": .number(1)]),
            complainant: Complaint.Complainant(phone: "+8613812345678"),
            text: text,
            location: Complaint.Location(address: "人民路1号", district: "黄浦区", lat: 31.2304, lon: 121.4737),
            routing: routing)
        let raw = RawPayload(
            id: rawID, channel: channel, adapter: adapter, receivedAt: receivedAt,
            contentType: "application/x-www-form-urlencoded",
            headers: [RawPayload.Header(name: "X-Twilio-Signature", value: "abc=")],
            body: body ?? Data("Body=\(text)&MessageSid=\(externalID ?? "-")".utf8))
        let decision = StoredDecision(
            routing: routing, tablesVersion: "sha256:test",
            traceJSON: Data(#"[{"table":"keywords","rule":"noise-night","matched":true}]"#.utf8))
        return IntakeSubmission(raw: raw, record: record, decision: decision, idempotencyKey: idempotencyKey)
    }

    /// A raw payload that failed to parse.
    static func raw(channel: Channel = .email, adapter: String = "mailbox", body: String = "not a message")
        -> RawPayload
    {
        RawPayload(
            id: GatewayID.raw(ULIDGenerator.shared.next()), channel: channel, adapter: adapter,
            receivedAt: wholeSeconds(), contentType: "message/rfc822", headers: [], body: Data(body.utf8))
    }

    /// A delivery attempt as the dispatcher records it.
    static func attempt(
        _ number: Int, department: String = "urban-management", startedAt: Date = Date(),
        status: Int?, outcome: String, error: String? = nil
    ) -> DeliveryAttempt {
        DeliveryAttempt(
            attempt: number, department: department, url: "http://127.0.0.1:9/\(department)", startedAt: startedAt,
            latencyMilliseconds: 12.5, statusCode: status, outcome: outcome, error: error, responseSnippet: "ok")
    }
}

/// The `sqlite3` command-line shell, a second connection for inspecting and injecting faults.
enum SQLiteCLI {
    struct Failure: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "sqlite3 exited \(status): \(stderr)" }
    }

    /// Runs `sql` against the database at `path` and returns stdout, trimmed.
    @discardableResult
    static func run(_ path: String, _ sql: String) async throws -> String {
        // posix_spawn, not Foundation's Process.run(), which can crash the test process on Linux
        // (swift-corelibs-foundation #5472). Its standard error goes to the test log.
        let (status, stdout) = try await spawnCapturingOutput(
            "/usr/bin/sqlite3", ["-batch", "-cmd", ".timeout 10000", path, sql])
        guard status == 0 else { throw Failure(status: status, stderr: "(on the test log)") }
        return String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `SELECT count(*) FROM table WHERE condition`.
    static func count(_ path: String, _ table: String, where condition: String = "1") async throws -> Int {
        let text = try await run(path, "SELECT count(*) FROM \(table) WHERE \(condition);")
        guard let value = Int(text) else { throw Failure(status: 0, stderr: "not a count: \(text)") }
        return value
    }
}
