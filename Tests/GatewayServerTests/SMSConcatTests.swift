import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import SMSAdapter
import Testing

/// Vonage concatenated SMS: parts held durably, one complaint per set, incomplete sets released.
@Suite("Concatenated SMS end to end")
struct SMSConcatTests {
    static let secret = "vonage-secret-for-concat-tests"

    static func start(downstream: String, dataDirectory: URL? = nil, timeout: TimeInterval = 300) async throws
        -> RunningGateway
    {
        try await RunningGateway.start(
            downstream: downstream, dataDirectory: dataDirectory,
            environment: ["VONAGE_SIGNATURE_SECRET": secret, "VONAGE_SIGNATURE_METHOD": "sha256"]
        ) { $0.sms.concatTimeout = timeout }
    }

    /// One signed part (the signature is the adapter's own; the SDK vectors prove it matches Vonage's).
    static func part(_ number: Int, of total: Int, text: String, reference: String = "42", id: String? = nil)
        -> Data
    {
        var parameters = [
            FormParameter("msisdn", "8613812345678"), FormParameter("to", "14155550100"),
            FormParameter("messageId", id ?? "0B00000000000\(reference)\(number)"), FormParameter("text", text),
            FormParameter("type", "unicode"), FormParameter("concat", "true"), FormParameter("concat-ref", reference),
            FormParameter("concat-total", String(total)), FormParameter("concat-part", String(number)),
            FormParameter("message-timestamp", "2026-11-20 03:12:00"),
            FormParameter("timestamp", String(Int(Date().timeIntervalSince1970))),
        ]
        parameters.append(FormParameter("sig", VonageSignature.compute(parameters, secret: secret, method: .sha256)))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = parameters.map {
            "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return Data(body.utf8)
    }

    static func send(_ body: Data, to gateway: RunningGateway) async throws -> Int {
        try await gateway.request(
            .post, "/v1/sms/vonage", body: body, token: nil,
            headers: [("Content-Type", "application/x-www-form-urlencoded")]
        ).status
    }

    func records(_ gateway: RunningGateway) async throws -> [Complaint] {
        let rows = try await sqlite(gateway.databasePath, "SELECT hex(record) FROM complaints ORDER BY seq")
        return try rows.split(separator: "\n").map { hex in
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return try ComplaintJSON.decode(Data(bytes))
        }
    }

    @Test("a space or line break where the sender's phone cut the message stays between the words")
    func keepsSpacesAtTheCuts() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        #expect(
            try await Self.send(Self.part(1, of: 3, text: "Noise every night, even ", reference: "77"), to: gateway)
                == 200)
        #expect(
            try await Self.send(
                Self.part(2, of: 3, text: "though the permit ends at 10.", reference: "77"), to: gateway) == 200)
        #expect(try await Self.send(Self.part(3, of: 3, text: "\n第二行", reference: "77"), to: gateway) == 200)
        let stored = try await records(gateway)
        #expect(stored.first?.text == "Noise every night, even though the permit ends at 10.\n第二行")
        #expect(stored.first?.source.extra[ConcatAssembler.partTextKey] == nil)
        try await gateway.stop()
    }

    @Test("parts out of order become one complaint; a retried part creates nothing")
    func assemblesOutOfOrder() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        #expect(try await Self.send(Self.part(2, of: 3, text: "噪音很大,"), to: gateway) == 200)
        #expect(try await Self.send(Self.part(3, of: 3, text: "请处理 🙏"), to: gateway) == 200)
        #expect(try await records(gateway).isEmpty)
        #expect(try await Self.send(Self.part(1, of: 3, text: "晚上11点还在施工,"), to: gateway) == 200)
        let stored = try await records(gateway)
        #expect(stored.count == 1)
        #expect(stored.first?.text == "晚上11点还在施工,噪音很大,请处理 🙏")
        #expect(stored.first?.source.externalID == "0B00000000000421")
        #expect(stored.first?.complainant.phone == "+8613812345678")
        #expect(try await Self.send(Self.part(2, of: 3, text: "噪音很大,"), to: gateway) == 200)
        #expect(try await records(gateway).count == 1)
        try await eventually("delivery") { downstream.requests.count == 1 }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a held part survives a restart")
    func survivesRestart() async throws {
        let downstream = try await DownstreamServer.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-concat-\(UUID().uuidString)")
        let first = try await Self.start(downstream: downstream.baseURL, dataDirectory: directory)
        #expect(try await Self.send(Self.part(1, of: 2, text: "路灯坏了", reference: "7"), to: first) == 200)
        try await first.stop()
        let second = try await Self.start(downstream: downstream.baseURL, dataDirectory: directory)
        #expect(try await Self.send(Self.part(2, of: 2, text: "三天了", reference: "7"), to: second) == 200)
        #expect(try await records(second).map(\.text) == ["路灯坏了三天了"])
        try await second.stop()
        await downstream.stop()
    }

    @Test("an incomplete set is released after the timeout, marked incomplete")
    func releasesIncompleteSet() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL, timeout: 1)
        #expect(try await Self.send(Self.part(1, of: 2, text: "只收到第一段", reference: "9"), to: gateway) == 200)
        try await eventually(timeout: .seconds(20), "released") { try await records(gateway).count == 1 }
        let record = try #require(try await records(gateway).first)
        #expect(record.text == "只收到第一段[…]")
        #expect(record.source.extra["concat_incomplete"] == .bool(true))
        try await gateway.stop()
        await downstream.stop()
    }

    /// After an outage the held parts go out incomplete, and the provider resends the missing ones.
    @Test("a gap is marked in an incomplete set's text; a missing part that comes later joins it as a follow-up")
    func latePartFollowsTheReleasedSet() async throws {
        let downstream = try await DownstreamServer.start()
        // Parts 1 and 3 must both be held when the set goes out: the timeout leaves room for two
        // webhooks on a loaded machine.
        let gateway = try await Self.start(downstream: downstream.baseURL, timeout: 10)
        #expect(try await Self.send(Self.part(1, of: 3, text: "路灯坏了，", reference: "12"), to: gateway) == 200)
        #expect(try await Self.send(Self.part(3, of: 3, text: "请尽快修。", reference: "12"), to: gateway) == 200)
        try await eventually(timeout: .seconds(60), "released") { try await records(gateway).count == 1 }
        let first = try #require(try await records(gateway).first)
        #expect(first.text == "路灯坏了，[…]请尽快修。")
        #expect(first.source.extra["concat_parts_received"] == .array([.number(1), .number(3)]))
        // Part 2 completes what was released: it goes out at once, as a follow-up of that complaint.
        #expect(try await Self.send(Self.part(2, of: 3, text: "在幸福路口，", reference: "12"), to: gateway) == 200)
        let stored = try await records(gateway)
        #expect(stored.count == 2)
        let late = try #require(stored.last)
        #expect(late.text == "[…]在幸福路口，[…]")
        #expect(late.source.extra["follow_up_of"] == .string(first.id))
        #expect(late.routing?.department == first.routing?.department)
        #expect(late.routing?.rule == "follow-up")
        // The same reference with a position already released is a new message (the phone reused
        // it): held as a set of its own, not joined to the old one.
        #expect(
            try await Self.send(
                Self.part(1, of: 3, text: "新的一条", reference: "12", id: "0B0000000NEW121"), to: gateway) == 200)
        try await eventually(timeout: .seconds(60), "released alone") { try await records(gateway).count == 3 }
        let reused = try #require(try await records(gateway).last)
        #expect(reused.source.extra["follow_up_of"] == nil)
        #expect(reused.text == "新的一条[…]")
        try await gateway.stop()
        await downstream.stop()
    }
}
