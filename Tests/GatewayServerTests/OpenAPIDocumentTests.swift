import Foundation
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import Testing
import Yams

@testable import GatewayServer

/// The OpenAPI document must describe the gateway as it runs: every route and no other, and every
/// answer's status, media type and JSON shape. Checked by independent tools (openapi-spec-validator
/// and jsonschema from PyPI, through scripts/check-openapi.py) against real responses.
@Suite("OpenAPI document: served, valid, and true to the routes and the responses")
struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let document = root.appendingPathComponent("Sources/GatewayServer/OpenAPI/openapi.yaml")
    static let checker = root.appendingPathComponent("scripts/check-openapi.py")
    static let tencentToken = "tencent-token-for-the-openapi-test-0123"

    @Test("GET /openapi.yaml serves the document; it names exactly the routes the gateway registers")
    func routesMatch() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let served = try await gateway.request(.get, "/openapi.yaml", token: nil)
        #expect(served.status == 200)
        #expect(served.headers.first { $0.0.lowercased() == "content-type" }?.1 == "application/yaml; charset=utf-8")
        #expect(served.body == (try Data(contentsOf: Self.document)))

        let paths = try #require(
            (try Yams.load(yaml: String(decoding: served.body, as: UTF8.self)) as? [String: Any])?["paths"]
                as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        let documented = Set(
            paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
        let registered = Set(
            gateway.gateway.makeRouter().routes.map { route in
                let path = route.path.description
                return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
            })
        #expect(registered.subtracting(documented).isEmpty, "routes missing from the document")
        #expect(documented.subtracting(registered).isEmpty, "documented routes the gateway does not have")
        #expect(registered.count >= 20)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("real answers of every operation match the documented status, media type and schema")
    func responsesMatch() async throws {
        let downstream = try await DownstreamServer.start(scripts: ["/citizen-services": .status(400)])
        let gateway = try await RunningGateway.start(
            downstream: downstream.baseURL, environment: ["TENCENT_SMS_TOKEN": Self.tencentToken])
        let log = ExchangeLog(gateway)
        let json = [("Content-Type", "application/json")]

        // Intake by API: created, duplicate, and the refusals.
        let submission = #"""
            {"text":"晚上11点还在施工，噪音很大","category":"投诉","occurred_at":"2026-11-28T23:00:00+08:00",
             "complainant":{"name":"王先生","phone":"138 1234 5678"},"location":{"address":"文三路100号","district":"西湖区","lat":30.27,"lon":120.13},
             "source":{"external_id":"CRM-1","extra":{"queue":"night"}},"thread":{"references":["<a@b>"]}}
            """#
        let created = try await log.call(
            .post, "/v1/complaints", body: Data(submission.utf8), headers: json + [("Idempotency-Key", "k-1")])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(
            try await log.call(
                .post, "/v1/complaints", body: Data(submission.utf8), headers: json + [("Idempotency-Key", "k-1")]
            ).status == 200)
        #expect(try await log.call(.post, "/v1/complaints", body: Data("{".utf8), headers: json).status == 400)
        #expect(
            try await log.call(.post, "/v1/complaints", body: Data(#"{"txt":"x"}"#.utf8), headers: json).status == 422)
        #expect(
            try await log.call(.post, "/v1/complaints", body: Data(#"{"text":"x"}"#.utf8), token: nil, headers: json)
                .status == 401)
        #expect(
            try await log.call(
                .post, "/v1/complaints", body: Data("text=x".utf8), headers: [("Content-Type", "text/plain")]
            ).status == 415)
        // One that goes to the department whose endpoint refuses it: a dead letter with an attempt.
        let refused = try await log.call(
            .post, "/v1/complaints", body: Data(#"{"text":"想咨询一下办事流程"}"#.utf8), headers: json)
        let deadID = try #require(refused.json["id"] as? String)

        try await eventually("delivered and dead-lettered") {
            let delivered = try await gateway.request(.get, "/v1/complaints/\(id)").json["state"] as? String
            let dead = try await gateway.request(.get, "/v1/complaints/\(deadID)").json["state"] as? String
            return delivered == "delivered" && dead == "dead"
        }
        #expect(try await log.call(.get, "/v1/complaints/\(id)").status == 200)
        #expect(try await log.call(.get, "/v1/complaints/\(deadID)").status == 200)
        #expect(try await log.call(.get, "/v1/complaints/cmp_00000000000000000000000000").status == 404)
        #expect(try await log.call(.get, "/v1/complaints?limit=5").status == 200)
        #expect(try await log.call(.get, "/v1/complaints?channel=api&since=2026-01-01T00:00:00Z").status == 200)
        #expect(try await log.call(.get, "/v1/complaints?limit=0").status == 400)

        // Dead letters.
        #expect(try await log.call(.get, "/v1/deadletters").status == 200)
        #expect(try await log.call(.get, "/v1/deadletters?limit=0").status == 400)
        #expect(try await log.call(.post, "/v1/deadletters/\(deadID)/replay", body: Data()).status == 200)
        #expect(
            try await log.call(.post, "/v1/deadletters/cmp_00000000000000000000000000/replay", body: Data()).status
                == 404)
        #expect(try await log.call(.post, "/v1/deadletters/replay?department=water-supply", body: Data()).status == 200)

        // Routing.
        #expect(
            try await log.call(.post, "/v1/routing/explain", body: Data(#"{"text":"停水三天了"}"#.utf8), headers: json)
                .status == 200)
        #expect(try await log.call(.post, "/v1/routing/explain", body: Data("{}".utf8), headers: json).status == 422)
        #expect(try await log.call(.post, "/v1/routing/reload", body: Data()).status == 200)

        // Email: new, duplicate, auto-reply.
        let mail = Data(
            "From: a@example.cn\r\nTo: c@example.gov.cn\r\nSubject: noise\r\nMessage-ID: <m1@example.cn>\r\n\r\n楼下装修太吵\r\n"
                .utf8)
        let rfc822 = [("Content-Type", "message/rfc822")]
        #expect(try await log.call(.post, "/v1/email", body: mail, headers: rfc822).status == 201)
        #expect(try await log.call(.post, "/v1/email", body: mail, headers: rfc822).status == 200)
        let autoReply = Data(
            "From: b@example.cn\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <m2@example.cn>\r\n\r\nAway\r\n".utf8)
        #expect(try await log.call(.post, "/v1/email", body: autoReply, headers: rfc822).status == 200)
        #expect(try await log.call(.post, "/v1/email", body: Data("{}".utf8), headers: json).status == 415)
        // Mail services' envelopes: a Mandrill post of two events, an SNS subscription confirmation.
        let events =
            #"[{"event":"inbound","msg":{"raw_msg":"From: a@example.cn\r\nMessage-ID: <md@x>\r\n\r\nhi"}},"#
            + #"{"event":"inbound","msg":{"raw_msg":"nothing"}},{"event":"whitelist"}]"#
        let mandrill = "mandrill_events=" + events.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let urlencoded = [("Content-Type", "application/x-www-form-urlencoded")]
        #expect(try await log.call(.post, "/v1/email", body: Data(mandrill.utf8), headers: urlencoded).status == 200)
        let confirmation =
            #"{"Type":"SubscriptionConfirmation","TopicArn":"arn:aws:sns:us-east-1:1:t","#
            + #""SubscribeURL":"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"}"#
        let sns = [
            ("Content-Type", "text/plain; charset=UTF-8"), ("x-amz-sns-message-type", "SubscriptionConfirmation"),
        ]
        #expect(try await log.call(.post, "/v1/email", body: Data(confirmation.utf8), headers: sns).status == 200)
        #expect(try await log.call(.head, "/v1/email", token: nil, headers: []).status == 200)
        // A message with a photo: the file downloaded, and an index beyond the list.
        let withPhoto = Data(
            ("From: a@example.cn\r\nSubject: lamp\r\nMessage-ID: <m3@example.cn>\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n路灯坏了\r\n"
                + "--b\r\nContent-Type: image/jpeg; name=lamp.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4A==\r\n"
                + "--b--\r\n").utf8)
        let photoMail = try await log.call(.post, "/v1/email", body: withPhoto, headers: rfc822)
        let photoID = try #require(photoMail.json["id"] as? String)
        #expect(try await log.call(.get, "/v1/complaints/\(photoID)/attachments/0").status == 200)
        #expect(try await log.call(.get, "/v1/complaints/\(photoID)/attachments/1").status == 404)
        #expect(try await log.call(.get, "/v1/complaints/\(photoID)/attachments/one").status == 400)

        // Hotline: a report with a rejected row, its download, and a profile that does not exist.
        let csv = Data(
            """
            工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长\r
            GD1,2026/11/03 08:15:02,13812345678,李,投诉,路灯不亮,西湖区文三路,A01,60\r
            GD2,not a time,13812345678,李,投诉,路灯不亮,西湖区文三路,A01,60\r

            """.utf8)
        let upload = try await log.call(
            .post, "/v1/hotline/calls?profile=12345", body: csv, headers: [("Content-Type", "text/csv")])
        #expect(upload.status == 200)
        let rawID = try #require(upload.json["raw_id"] as? String)
        #expect(try await log.call(.get, "/v1/hotline/imports/\(rawID)/rejected.csv").status == 200)
        // A workbook kept by month: its report names the sheets.
        let monthly = try await log.call(
            .post, "/v1/hotline/calls?profile=12345&ids=true", body: HotlineWorkbookUploadTests.monthlyLog(),
            headers: [("Content-Type", HotlineWorkbookUploadTests.xlsxType)])
        #expect(monthly.json["sheets"] as? [String] == ["1月", "2月", "3月"])
        let named = try await log.call(
            .post, "/v1/hotline/calls?profile=12345&sheet=2%E6%9C%88&filename=monthly.xlsx",
            body: HotlineWorkbookUploadTests.monthlyLog(),
            headers: [("Content-Type", HotlineWorkbookUploadTests.xlsxType)])
        #expect(named.status == 200)
        // The upload history: the named sheets, a report with several sheets, one with a download.
        let history = try await log.call(.get, "/v1/hotline/imports?limit=5")
        let uploads = try #require(history.json["items"] as? [[String: Any]])
        #expect(uploads.first?["sheets_named"] as? [String] == ["2月"])
        #expect(uploads.first?["file_name"] as? String == "monthly.xlsx")
        #expect(
            try await log.call(
                .post, "/v1/hotline/calls?profile=none", body: csv, headers: [("Content-Type", "text/csv")]
            )
            .status == 422)

        // SMS: a provider's success reply, a failed token, an unknown provider, a GET refused.
        let tencent = Data(#"{"mobile":"13812345678","nationcode":"86","text":"停水","time":1795000000}"#.utf8)
        #expect(
            try await log.call(
                .post, "/v1/sms/tencent?token=\(Self.tencentToken)", body: tencent, token: nil, headers: json
            )
            .status == 200)
        #expect(
            try await log.call(.post, "/v1/sms/tencent?token=wrong", body: tencent, token: nil, headers: json).status
                == 403)
        #expect(try await log.call(.post, "/v1/sms/nobody", body: tencent, token: nil, headers: json).status == 404)
        #expect(try await log.call(.get, "/v1/sms/tencent", token: nil).status == 405)

        // Operations and the page.
        #expect(try await log.call(.get, "/v1/quarantine").status == 200)
        let quarantinedID = try #require(
            (try await gateway.request(.get, "/v1/quarantine?limit=1").json["items"] as? [[String: Any]])?.first?["id"]
                as? String)
        #expect(try await log.call(.get, "/v1/quarantine/\(quarantinedID)").status == 200)
        #expect(try await log.call(.get, "/v1/quarantine/raw_00000000000000000000000000").status == 404)

        // Processing again: still unreadable, a parameter only uploads take, an unknown id; an
        // upload sent with the wrong profile imported with the right one; an SMS (quarantined, as
        // by an earlier version) taken again as the duplicate it is.
        let reprocess = "/v1/quarantine/\(quarantinedID)/reprocess"
        let again = try await log.call(.post, reprocess, body: Data())
        #expect(again.status == 422, "\(again.status) \(String(decoding: again.body, as: UTF8.self))")
        #expect(try await log.call(.post, reprocess + "?profile=311", body: Data()).status == 400)
        #expect(
            try await log.call(.post, "/v1/quarantine/raw_00000000000000000000000000/reprocess", body: Data()).status
                == 404)
        let usCSV = Data(
            "ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\nSR-1,2026-11-03 08:15,(212) 555-0142,Ann,Noise,Loud music,1 Main St,A7,60\r\n"
                .utf8)
        let wrongProfile = try await log.call(
            .post, "/v1/hotline/calls?profile=12345", body: usCSV, headers: [("Content-Type", "text/csv")])
        #expect(wrongProfile.status == 422)
        let uploadID = try #require((wrongProfile.json["error"] as? [String: Any])?["raw_id"] as? String)
        #expect(
            try await log.call(.post, "/v1/quarantine/\(uploadID)/reprocess?profile=311", body: Data()).status == 200)
        let smsRawID = try await sqlite(
            gateway.databasePath,
            "SELECT id FROM raw_payloads WHERE channel = 'sms' AND disposition = 'accepted' LIMIT 1")
        try await sqlite(
            gateway.databasePath, "UPDATE raw_payloads SET disposition = 'quarantined' WHERE id = '\(smsRawID)'")
        #expect(try await log.call(.post, "/v1/quarantine/\(smsRawID)/reprocess", body: Data()).status == 200)
        for path in ["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/", "/upload.js", "/upload.css"] {
            #expect(try await log.call(.get, path, token: nil).status == 200, "\(path)")
        }

        let exchanges = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: log.exchanges).write(to: exchanges)
        defer { try? FileManager.default.removeItem(at: exchanges) }
        let (status, output) = try await spawnCapturingOutput(
            "/usr/bin/env", ["python3", Self.checker.path, Self.document.path, exchanges.path], errorsToOutput: true)
        let verdict = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == 0 && verdict == "ok", "\(verdict)")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the checker catches an answer that strays from the document")
    func checkerCatchesDrift() async throws {
        let body = #"{"id":"cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V","duplicate":false,"routing":{"department":"x"}}"#
        let exchanges: [[String: Any]] = [
            [
                "method": "POST", "path": "/v1/complaints", "status": 201, "content_type": "application/json",
                "body_base64": Data(body.utf8).base64EncodedString(),
            ],
            [
                "method": "GET", "path": "/v1/complaints/x", "status": 418, "content_type": "application/json",
                "body_base64": "",
            ],
            ["method": "DELETE", "path": "/v1/complaints", "status": 200, "content_type": "", "body_base64": ""],
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-drift-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: exchanges).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await spawnCapturingOutput(
            "/usr/bin/env", ["python3", Self.checker.path, Self.document.path, file.path], errorsToOutput: true)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(status == 1)
        #expect(lines.contains { $0.hasPrefix("POST /v1/complaints -> 201: routing:") && $0.contains("'priority'") })
        #expect(lines.contains { $0.contains("status 418 not documented") })
        #expect(lines.contains { $0.hasPrefix("DELETE /v1/complaints -> 200: no documented operation") })
    }
}

/// Requests to a running gateway, each recorded for the document check.
private final class ExchangeLog {
    let gateway: RunningGateway
    private(set) var exchanges: [[String: Any]] = []

    init(_ gateway: RunningGateway) { self.gateway = gateway }

    func call(
        _ verb: RunningGateway.Verb, _ path: String, body: Data? = nil, token: String? = RunningGateway.token,
        headers: [(String, String)] = []
    ) async throws -> RunningGateway.Reply {
        let reply = try await gateway.request(verb, path, body: body, token: token, headers: headers)
        exchanges.append([
            "method": verb.rawValue.uppercased(), "path": path, "status": reply.status,
            "content_type": reply.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "",
            "body_base64": reply.body.base64EncodedString(),
        ])
        return reply
    }
}
