import ComplaintCore
import Crypto
import Foundation
import GatewayTestSupport
import SMSAdapter
import Testing

/// Signed SMS webhooks an attacker captured or made up, through the real server, signed at test time
/// with the vectors' keys: a replay inside the timestamp window is recognised by its message id and
/// creates nothing; outside the window, from the future, re-signed with another key, or unsigned, it
/// is refused with 403 and nothing is stored. URL-token providers need the whole token.
@Suite("Hostile SMS webhooks: replays, stale timestamps, forged signatures, URL tokens")
struct HostileSMSWebhookTests {
    static let secrets = SMSWebhookTests.vectors.secrets
    static let tencentToken = "tencent-token-0123456789abcdefghij"

    static func start(_ downstream: DownstreamServer) async throws -> RunningGateway {
        try await RunningGateway.start(
            downstream: downstream.baseURL,
            environment: [
                "PUBLIC_BASE_URL": "https://gw.example.com",
                "GENERIC_SMS_WEBHOOK_SECRET": secrets["generic_secret"]!,
                "TELNYX_PUBLIC_KEY": secrets["telnyx_public_key"]!,
                "ALIYUN_SMS_TOKEN": SMSWebhookTests.aliyunToken,
                "TENCENT_SMS_TOKEN": tencentToken,
                "VONAGE_SIGNATURE_SECRET": secrets["vonage_signature_secret"]!,
            ])
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }

    /// Standard Webhooks headers for `body`, as the generic sender would send them.
    static func standardWebhooks(_ body: String, id: String, timestamp: Int, secret: String? = nil) -> [(
        String, String
    )] {
        let key = StandardWebhooksSignature.key(secret: secret ?? secrets["generic_secret"]!)!
        let signature = StandardWebhooksSignature.sign(
            id: id, timestamp: String(timestamp), body: Data(body.utf8), key: key)
        return [
            ("Content-Type", "application/json"), ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature),
        ]
    }

    /// Telnyx headers: Ed25519 over `timestamp|body` with the vectors' private key (or another one).
    static func telnyx(_ body: String, timestamp: Int, key: Curve25519.Signing.PrivateKey? = nil) throws
        -> [(String, String)]
    {
        let seed = stride(from: 0, to: 64, by: 2).map { offset -> UInt8 in
            let hex = secrets["telnyx_seed_hex"]!
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        let signer = try key ?? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        var message = Data("\(timestamp)|".utf8)
        message.append(Data(body.utf8))
        let signature = try signer.signature(for: message)
        return [
            ("Content-Type", "application/json"), ("telnyx-timestamp", String(timestamp)),
            ("telnyx-signature-ed25519", signature.base64EncodedString()),
        ]
    }

    /// A Vonage inbound-message form, signed (`md5hash`, the dashboard default) over every parameter.
    static func vonageForm(messageID: String, text: String, timestamp: Int, secret: String? = nil) -> String {
        var parameters = [
            FormParameter("msisdn", "8613812345678"), FormParameter("to", "12345"),
            FormParameter("messageId", messageID), FormParameter("text", text), FormParameter("type", "unicode"),
            FormParameter("timestamp", String(timestamp)), FormParameter("nonce", "n-\(messageID)"),
        ]
        parameters.append(
            FormParameter(
                "sig",
                VonageSignature.compute(
                    parameters, secret: secret ?? secrets["vonage_signature_secret"]!, method: .md5hash)))
        return parameters.map { "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    func counts(_ gateway: RunningGateway) async throws -> (complaints: String, raws: String) {
        (
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints"),
            try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads")
        )
    }

    func post(_ gateway: RunningGateway, _ path: String, _ body: String, _ headers: [(String, String)]) async throws
        -> RunningGateway.Reply
    {
        try await gateway.request(.post, path, body: Data(body.utf8), token: nil, headers: headers)
    }

    @Test("Standard Webhooks: a replay inside the window is a duplicate; stale, future and forged ones are 403")
    func standardWebhooksReplay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        let body = #"{"id":"msg-replay-1","from":"+8613812345678","text":"楼下烧烤油烟很大"}"#
        let signed = Self.standardWebhooks(body, id: "wh_1", timestamp: Self.now)
        #expect(try await post(gateway, "/v1/sms/generic", body, signed).status == 200)
        // The captured request sent again, byte for byte, while its timestamp is still fresh.
        for _ in 0..<3 {
            let replay = try await post(gateway, "/v1/sms/generic", body, signed)
            #expect(replay.status == 200)
        }
        #expect(try await counts(gateway).complaints == "1")
        let stored = try await counts(gateway).raws

        let refusals: [(String, [(String, String)], String)] = [
            (
                "older than the window", Self.standardWebhooks(body, id: "wh_1", timestamp: Self.now - 360),
                "stale_timestamp"
            ),
            ("from the future", Self.standardWebhooks(body, id: "wh_1", timestamp: Self.now + 360), "stale_timestamp"),
            (
                "signed with another secret",
                Self.standardWebhooks(
                    body, id: "wh_1", timestamp: Self.now, secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                "bad_signature"
            ),
            (
                "the id swapped after signing",
                signed.map { $0.0 == "webhook-id" ? ($0.0, "wh_2") : $0 }, "bad_signature"
            ),
            ("unsigned", signed.filter { $0.0 != "webhook-signature" }, "missing_signature"),
            ("no timestamp", signed.filter { $0.0 != "webhook-timestamp" }, "missing_signature"),
            (
                "a timestamp that is not a number", signed.map { $0.0 == "webhook-timestamp" ? ($0.0, "soon") : $0 },
                "bad_timestamp"
            ),
        ]
        for (name, headers, code) in refusals {
            let reply = try await post(gateway, "/v1/sms/generic", body, headers)
            #expect(reply.status == 403, "\(name)")
            #expect(reply.errorCode == code, "\(name)")
        }
        let tampered = try await post(
            gateway, "/v1/sms/generic", body.replacingOccurrences(of: "烧烤", with: "施工"), signed)
        #expect(tampered.status == 403)
        #expect(tampered.errorCode == "bad_signature")
        #expect(try await counts(gateway).complaints == "1")
        #expect(try await counts(gateway).raws == stored)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Telnyx: a replay inside the window is a duplicate by message id; stale and wrong-key requests are 403")
    func telnyxReplay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        let body =
            #"{"data":{"event_type":"message.received","id":"evt-1","payload":{"id":"tx-msg-1","#
            + #""from":{"phone_number":"+13125550100"},"text":"Pothole on Main St"}}}"#
        let signed = try Self.telnyx(body, timestamp: Self.now)
        #expect(try await post(gateway, "/v1/sms/telnyx", body, signed).status == 200)
        #expect(try await post(gateway, "/v1/sms/telnyx", body, signed).status == 200)
        // Telnyx retries with a new timestamp and signature: still the same message.
        #expect(
            try await post(gateway, "/v1/sms/telnyx", body, try Self.telnyx(body, timestamp: Self.now - 5)).status
                == 200)
        #expect(try await counts(gateway).complaints == "1")

        let stale = try await post(gateway, "/v1/sms/telnyx", body, try Self.telnyx(body, timestamp: Self.now - 360))
        #expect(stale.status == 403)
        #expect(stale.errorCode == "stale_timestamp")
        let forged = try await post(
            gateway, "/v1/sms/telnyx", body, try Self.telnyx(body, timestamp: Self.now, key: .init()))
        #expect(forged.status == 403)
        #expect(forged.errorCode == "bad_signature")
        let unsigned = try await post(gateway, "/v1/sms/telnyx", body, [("Content-Type", "application/json")])
        #expect(unsigned.status == 403)
        #expect(unsigned.errorCode == "missing_signature")
        #expect(try await counts(gateway).complaints == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Alibaba and Tencent: the URL token must be present and match whole", arguments: ["aliyun", "tencent"])
    func urlTokens(_ provider: String) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        let token = provider == "aliyun" ? SMSWebhookTests.aliyunToken : Self.tencentToken
        let body =
            provider == "aliyun"
            ? #"[{"phone_number":"13812345678","content":"停水","send_time":"2026-11-20 11:12:00","sequence_id":"9"}]"#
            : #"{"mobile":"13812345678","nationcode":"86","text":"停水","time":1795000000}"#
        let headers = [("Content-Type", "application/json")]
        for (query, code) in [
            ("", "missing_token"), ("?token=", "missing_token"), ("?token=\(token.dropLast())", "bad_token"),
            ("?token=\(token)x", "bad_token"), ("?token=\(token.uppercased())", "bad_token"),
        ] {
            let reply = try await post(gateway, "/v1/sms/\(provider)\(query)", body, headers)
            #expect(reply.status == 403, "\(query)")
            #expect(reply.errorCode == code, "\(query)")
        }
        #expect(try await counts(gateway).raws == "0")
        let accepted = try await post(gateway, "/v1/sms/\(provider)?token=\(token)", body, headers)
        #expect(accepted.status == 200)
        #expect(try await post(gateway, "/v1/sms/\(provider)?token=\(token)", body, headers).status == 200)
        #expect(try await counts(gateway).complaints == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("Vonage: a resend or replay inside the window is a duplicate; stale, re-signed or altered ones are 403")
    func vonageReplay() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let body = Self.vonageForm(messageID: "vn-1", text: "路灯坏了", timestamp: Self.now)
        #expect(try await post(gateway, "/v1/sms/vonage", body, form).status == 200)
        #expect(try await post(gateway, "/v1/sms/vonage", body, form).status == 200)
        #expect(try await counts(gateway).complaints == "1")
        // Vonage resends with the first attempt's timestamp: an hour later (the gateway was down)
        // the message is taken, and its resend is a duplicate.
        let resent = Self.vonageForm(messageID: "vn-5", text: "井盖丢了", timestamp: Self.now - 3600)
        #expect(try await post(gateway, "/v1/sms/vonage", resent, form).status == 200)
        #expect(try await post(gateway, "/v1/sms/vonage", resent, form).status == 200)
        #expect(try await counts(gateway).complaints == "2")
        for (name, forged, code) in [
            (
                "older than Vonage's 24 hours of resends",
                Self.vonageForm(messageID: "vn-1", text: "路灯坏了", timestamp: Self.now - 25 * 3600 - 60),
                "stale_timestamp"
            ),
            (
                "ahead of the clock", Self.vonageForm(messageID: "vn-4", text: "路灯坏了", timestamp: Self.now + 360),
                "stale_timestamp"
            ),
            (
                "another secret",
                Self.vonageForm(messageID: "vn-2", text: "路灯坏了", timestamp: Self.now, secret: "not-the-secret"),
                "bad_signature"
            ),
            (
                "altered text", body.replacingOccurrences(of: "messageId=vn%2D1", with: "messageId=vn%2D3"),
                "bad_signature"
            ),
            ("unsigned", body.components(separatedBy: "&sig=")[0], "missing_signature"),
        ] {
            let reply = try await post(gateway, "/v1/sms/vonage", forged, form)
            #expect(reply.status == 403, "\(name)")
            #expect(reply.errorCode == code, "\(name)")
        }
        #expect(try await counts(gateway).complaints == "2")
        try await gateway.stop()
        await downstream.stop()
    }
}
