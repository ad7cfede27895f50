import ComplaintCore
import Foundation
import GatewayTestSupport
import SMSAdapter
import Testing

/// SMS webhooks through the real server: signed by the providers' SDKs (the committed vectors), stored,
/// routed and delivered; retries deduplicated; forgeries refused and not stored.
@Suite("SMS webhooks end to end")
struct SMSWebhookTests {
    struct Vector: Decodable {
        var provider: String
        var name: String
        var publicBaseURL: String
        var query: String?
        var headers: [String: String]
        var body: String

        enum CodingKeys: String, CodingKey {
            case provider, name
            case publicBaseURL = "public_base_url"
            case query, headers, body
        }
    }

    struct Vectors: Decodable {
        var secrets: [String: String]
        var vectors: [Vector]
    }

    static let vectors: Vectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SMSAdapterTests/Vectors/vectors.json")
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    static func vector(_ provider: String, _ name: String) -> Vector {
        vectors.vectors.first { $0.provider == provider && $0.name == name }!
    }

    /// The GET variants (`make_get_vectors.py`): the message is the query.
    static let getVectors: [Vector] = {
        struct File: Decodable { var vectors: [Vector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SMSAdapterTests/Vectors/get_vectors.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }()

    static let aliyunToken = "aliyun-token-0123456789abcdefghij"

    /// A gateway whose public URL is the vectors' (as behind a TLS-terminating proxy).
    static func start(downstream: String, publicBaseURL: String = "https://gw.example.com") async throws
        -> RunningGateway
    {
        try await RunningGateway.start(
            downstream: downstream,
            environment: [
                "PUBLIC_BASE_URL": publicBaseURL,
                "TWILIO_AUTH_TOKEN": vectors.secrets["twilio_auth_token"]!,
                "PLIVO_AUTH_TOKEN": vectors.secrets["plivo_auth_token"]!,
                "ALIYUN_SMS_TOKEN": aliyunToken,
            ])
    }

    static func send(_ vector: Vector, to gateway: RunningGateway, body: String? = nil) async throws
        -> RunningGateway.Reply
    {
        let path = "/v1/sms/\(vector.provider)" + (vector.query.map { "?" + $0 } ?? "")
        return try await gateway.request(
            .post, path, body: Data((body ?? vector.body).utf8), token: nil,
            headers: vector.headers.map { ($0.key, $0.value) })
    }

    func complaintCount(_ gateway: RunningGateway) async throws -> Int {
        Int(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints")) ?? -1
    }

    @Test("a signed Twilio message is stored, answered with empty TwiML, delivered; the retry creates nothing")
    func twilioEndToEnd() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        let vector = Self.vector("twilio", "valid_chinese_emoji")
        let reply = try await Self.send(vector, to: gateway)
        #expect(reply.status == 200)
        #expect(String(decoding: reply.body, as: UTF8.self) == "<Response/>")
        #expect(reply.headers.first { $0.0.lowercased() == "content-type" }?.1.hasPrefix("text/xml") == true)

        let retry = try await Self.send(vector, to: gateway)
        #expect(retry.status == 200)
        #expect(try await complaintCount(gateway) == 1)

        try await eventually("delivery") { downstream.requests.count == 1 }
        let record = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(record.channel == .sms)
        #expect(record.source.adapter == "twilio")
        #expect(record.source.externalID == "SM0123456789abcdef0123456789abcdef")
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.text.contains("噪音很大"))
        #expect(record.routing?.department == "urban-management")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "Twilio and Plivo set to send GET: the message in the query is stored once, its query kept as the raw payload")
    func getWebhooks() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        for name in ["twilio", "plivo"] {
            let vector = try #require(Self.getVectors.first { $0.provider == name && $0.name == "get_valid" })
            let path = "/v1/sms/\(name)?" + (vector.query ?? "")
            let headers = vector.headers.map { ($0.key, $0.value) }
            #expect(try await gateway.request(.get, path, token: nil, headers: headers).status == 200, "\(name)")
            #expect(try await gateway.request(.get, path, token: nil, headers: headers).status == 200, "\(name) retry")
            let tampered = try #require(Self.getVectors.first { $0.provider == name && $0.name == "get_tampered" })
            let forged = try await gateway.request(
                .get, "/v1/sms/\(name)?" + (tampered.query ?? ""), token: nil,
                headers: tampered.headers.map { ($0.key, $0.value) })
            #expect(forged.status == 403, "\(name) tampered")
        }
        #expect(try await complaintCount(gateway) == 2)
        #expect(
            try await sqlite(
                gateway.databasePath,
                "SELECT count(*) FROM raw_payloads WHERE adapter = 'twilio' AND disposition = 'accepted' AND CAST(body AS TEXT) LIKE 'ToCountry=US%'"
            )
                == "1")
        // A provider that only ever POSTs is not served on GET.
        let aliyun = try await gateway.request(.get, "/v1/sms/aliyun?token=\(Self.aliyunToken)", token: nil)
        #expect(aliyun.status == 405)
        #expect(aliyun.errorCode == "method_not_allowed")
        try await eventually("deliveries") { downstream.requests.count == 2 }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a proxy-rewritten public URL with a query string verifies")
    func twilioBehindProxy() async throws {
        let downstream = try await DownstreamServer.start()
        let vector = Self.vector("twilio", "proxy_rewritten_prefix")
        let gateway = try await Self.start(downstream: downstream.baseURL, publicBaseURL: vector.publicBaseURL)
        #expect(try await Self.send(vector, to: gateway).status == 200)
        #expect(try await complaintCount(gateway) == 1)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("without PUBLIC_BASE_URL the signed URL is http:// + the Host the provider called")
    func twilioWithoutPublicBaseURL() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL, publicBaseURL: "")
        let token = Self.vectors.secrets["twilio_auth_token"]!
        let parameters = [
            FormParameter("MessageSid", "SMhost000000000000000000000000001"), FormParameter("From", "+8613812345678"),
            FormParameter("Body", "路灯不亮"), FormParameter("SmsStatus", "received"),
        ]
        let url = "http://127.0.0.1:\(gateway.port)/v1/sms/twilio?x=1"
        let signature = TwilioSignature.compute(url: url, parameters: parameters, key: token)
        let body =
            "MessageSid=SMhost000000000000000000000000001&From=%2B8613812345678&Body=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&SmsStatus=received"
        let reply = try await gateway.request(
            .post, "/v1/sms/twilio?x=1", body: Data(body.utf8), token: nil,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)])
        #expect(reply.status == 200)
        #expect(try await complaintCount(gateway) == 1)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("forged, tampered and unsigned requests get 403 and store nothing")
    func forgeriesRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        for name in ["tampered_body", "wrong_secret", "missing_signature", "query_reordered"] {
            let reply = try await Self.send(Self.vector("twilio", name), to: gateway)
            #expect(reply.status == 403, "\(name)")
        }
        let plivo = try await Self.send(Self.vector("plivo", "tampered_body"), to: gateway)
        #expect(plivo.status == 403)
        #expect(plivo.errorCode == "bad_signature")
        let raws = try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads")
        #expect(raws == "0")
        let metrics = String(decoding: try await gateway.request(.get, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("cg_sms_rejected_total"))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Plivo V3 with a query string is accepted")
    func plivoAccepted() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        let reply = try await Self.send(Self.vector("plivo", "url_with_query_string"), to: gateway)
        #expect(reply.status == 200)
        #expect(try await complaintCount(gateway) == 1)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("unknown and disabled providers are 404")
    func unknownProvider() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        // vonage has no secret in this environment, so it is off.
        for provider in ["nosuch", "vonage"] {
            let reply = try await gateway.request(
                .post, "/v1/sms/\(provider)", body: Data("a=b".utf8), token: nil,
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(reply.status == 404)
            #expect(reply.errorCode == "unknown_provider")
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("an Alibaba Cloud batch becomes one complaint per message; a bad authentic body is quarantined")
    func aliyunBatchAndQuarantine() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream: downstream.baseURL)
        let body = """
            [{"phone_number":"13812345678","content":"小区停水三天了","send_time":"2026-11-20 11:12:00","dest_code":"1","sequence_id":"77001"},
             {"phone_number":"13900001111","content":"晚上施工噪音","send_time":"2026-11-20 11:13:00","dest_code":"1","sequence_id":"77002"}]
            """
        let path = "/v1/sms/aliyun?token=\(Self.aliyunToken)"
        let reply = try await gateway.request(.post, path, body: Data(body.utf8), token: nil)
        #expect(reply.status == 200)
        #expect(reply.json["code"] as? Int == 0)
        #expect(try await complaintCount(gateway) == 2)
        let again = try await gateway.request(.post, path, body: Data(body.utf8), token: nil)
        #expect(again.status == 200)
        #expect(try await complaintCount(gateway) == 2)

        let wrongToken = try await gateway.request(
            .post, "/v1/sms/aliyun?token=nope", body: Data(body.utf8), token: nil)
        #expect(wrongToken.status == 403)

        let broken = try await gateway.request(.post, path, body: Data(#"[{"phone_number":"1"#.utf8), token: nil)
        #expect(broken.status == 200)
        let quarantined = try await gateway.request(.get, "/v1/quarantine")
        #expect(String(decoding: quarantined.body, as: UTF8.self).contains("malformed JSON"))

        // One unreadable item: the others are taken, the request is quarantined for that one.
        let mixed = """
            [{"phone_number":"13812345678","content":"路灯不亮","sequence_id":"77003"},
             {"phone_number":"13812345678","content":"没有编号"},
             {"phone_number":"13900001111","content":"垃圾没人收","sequence_id":"77004"}]
            """
        let partly = try await gateway.request(.post, path, body: Data(mixed.utf8), token: nil)
        #expect(partly.status == 200)
        #expect(try await complaintCount(gateway) == 4)
        let held = try await gateway.request(.get, "/v1/quarantine")
        #expect(String(decoding: held.body, as: UTF8.self).contains("[1].sequence_id: required field is missing"))

        // Processed again, unchanged: it stays under its id, and nothing is stored twice.
        let items = try #require(held.json["items"] as? [[String: Any]])
        let heldID = try #require(items.first?["id"] as? String)
        let raws = try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads")
        for _ in 0..<2 {
            let again = try await gateway.request(.post, "/v1/quarantine/\(heldID)/reprocess")
            #expect(again.status == 422)
            #expect(
                again.errorMessage
                    == "[1].sequence_id: required field is missing (2 readable message(s) of the batch taken)")
        }
        let after = try #require(
            try await gateway.request(.get, "/v1/quarantine").json["items"] as? [[String: Any]])
        #expect(after.first?["id"] as? String == heldID)
        #expect(after.count == items.count)
        #expect(try await complaintCount(gateway) == 4)
        // Each attempt keeps the copy its readable messages were read from (as duplicates).
        #expect(Int(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads")) == Int(raws)! + 4)
        try await gateway.stop()
        await downstream.stop()
    }
}
