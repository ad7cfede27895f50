import ComplaintCore
import Foundation
import GatewayTestSupport
import Testing

@Suite("End to end: in, stored, routed, delivered")
struct EndToEndDeliveryTests {
    @Test("complaints posted to the API reach their departments with the right Idempotency-Key")
    func deliversWithIdempotencyKey() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let complaints = [
            (#"{"text":"晚上11点还在施工,噪音很大","complainant":{"phone":"138 1234 5678"}}"#, "urban-management", "noise-night"),
            (#"{"text":"小区停水三天了","location":{"district":"西湖区"}}"#, "water-supply", "water-outage"),
            (#"{"text":"想咨询一下办事流程"}"#, "citizen-services", "default"),
        ]
        var ids: [String: (department: String, rule: String)] = [:]
        for (body, department, rule) in complaints {
            let reply = try await gateway.post(body)
            #expect(reply.status == 201)
            let id = try #require(reply.json["id"] as? String)
            let routing = try #require(reply.json["routing"] as? [String: Any])
            #expect(routing["department"] as? String == department)
            #expect(routing["rule"] as? String == rule)
            ids[id] = (department, rule)
        }
        try await eventually("three deliveries") { downstream.requests.count >= 3 }
        for delivery in downstream.requests {
            let key = try #require(delivery.idempotencyKey)
            let expected = try #require(ids[key])
            #expect(delivery.path == "/\(expected.department)")
            #expect(delivery.contentType == "application/json")
            let record = try ComplaintJSON.decode(delivery.body)
            #expect(record.id == key)
            #expect(record.routing?.department == expected.department)
        }
        // The stored view shows the delivery attempt.
        for id in ids.keys {
            try await eventually("state delivered") {
                try await gateway.request(.get, "/v1/complaints/\(id)").json["state"] as? String == "delivered"
            }
            let detail = try await gateway.request(.get, "/v1/complaints/\(id)").json
            let deliveries = try #require(detail["deliveries"] as? [[String: Any]])
            #expect(deliveries.first?["status"] as? Int == 200)
            #expect(deliveries.first?["outcome"] as? String == "delivered")
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the delivered body is the complaint/v1 record byte for byte as stored, fields in documented order")
    func deliveredRecordShape() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.post(
            #"{"text":"  噪音扰民  ","category":"投诉","complainant":{"phone":"+86 571 8765 4321","name":"王先生"}}"#)
        #expect(reply.status == 201)
        try await eventually("delivery") { downstream.requests.count == 1 }
        let body = String(decoding: try #require(downstream.requests.first).body, as: UTF8.self)
        let keys = [
            "\"schema\":\"complaint/v1\"", "\"id\":", "\"channel\":\"api\"", "\"received_at\":", "\"ingested_at\":",
            "\"occurred_at\":null", "\"source\":", "\"complainant\":", "\"subject\":null", "\"text\":\"噪音扰民\"",
            "\"category\":\"投诉\"", "\"location\":", "\"attachments\":[]", "\"thread\":", "\"routing\":",
        ]
        var cursor = body.startIndex
        for key in keys {
            let range = try #require(
                body.range(of: key, range: cursor..<body.endIndex), "\(key) missing or out of order in \(body)")
            cursor = range.upperBound
        }
        #expect(body.contains("\"phone\":\"+8657187654321\""))
        let received = try #require(
            body.range(of: #""received_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ""#, options: .regularExpression))
        #expect(!received.isEmpty)
        // The operator's view shows the record as the department got it, byte for byte.
        let id = try #require(reply.json["id"] as? String)
        let detail = String(decoding: try await gateway.request(.get, "/v1/complaints/\(id)").body, as: UTF8.self)
        #expect(detail.hasPrefix("{\"record\":\(body),\"state\":"))
        try await gateway.stop()
        await downstream.stop()
    }
}
