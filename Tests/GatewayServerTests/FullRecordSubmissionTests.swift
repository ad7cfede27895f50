import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `POST /v1/complaints` takes a record in the common shape, including the fields the gateway
/// sets itself: it sets them again and says which values it did not use.
@Suite("A whole complaint/v1 record submitted")
struct FullRecordSubmissionTests {
    @Test("a record with every gateway-set field filled is taken; the gateway's own values replace them and are named")
    func fullRecordTaken() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let sent = """
            {"schema":"complaint/v1","id":"cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V","channel":"api",
             "received_at":"2020-01-01T00:00:00Z","ingested_at":"2020-01-01T00:00:00Z","occurred_at":null,
             "source":{"adapter":"twilio","external_id":"CRM-77","raw_id":"raw_01JD8Q3W","extra":{}},
             "complainant":{"name":null,"phone":"+8613812345678","email":null,"anonymous":false},
             "subject":null,"text":"晚上11点还在施工,噪音很大","category":null,
             "location":{"address":null,"district":null,"lat":null,"lon":null},
             "attachments":[],"thread":{"in_reply_to":null,"references":[]},
             "routing":{"department":"nowhere","priority":"urgent","due_at":null,"rule":"mine","table":"mine"}}
            """
        let reply = try await gateway.post(sent)
        #expect(reply.status == 201, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(
            reply.json["ignored"] as? [String]
                == ["id", "ingested_at", "received_at", "routing", "source.adapter", "source.raw_id"])
        let id = try #require(reply.json["id"] as? String)
        #expect(id != "cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V")
        let stored = try await gateway.request(.get, "/v1/complaints/\(id)")
        let record = try #require(stored.json["record"] as? [String: Any])
        #expect((record["received_at"] as? String)?.hasPrefix("2020") == false)
        #expect((record["source"] as? [String: Any])?["adapter"] as? String == "operator")
        #expect((record["source"] as? [String: Any])?["raw_id"] as? String != "raw_01JD8Q3W")
        let routing = try #require(record["routing"] as? [String: Any])
        #expect(routing["department"] as? String == "urban-management")
        #expect(routing["rule"] as? String != "mine")

        // The record as read back is sent again: the same complaint by its external id.
        let readBack = try JSONSerialization.data(withJSONObject: record)
        let again = try await gateway.request(
            .post, "/v1/complaints", body: readBack, headers: [("Content-Type", "application/json")])
        #expect(again.status == 200)
        #expect(again.json["duplicate"] as? Bool == true)
        #expect(again.json["id"] as? String == id)

        // Nothing named when nothing was sent for them.
        let plain = try await gateway.post(#"{"text":"路灯不亮","id":null,"routing":null}"#)
        #expect(plain.status == 201)
        #expect(plain.json["ignored"] == nil)
        // A `source.extra` key the gateway writes itself, sent with another value, is named too;
        // the body's other keys, and that key when the gateway has nothing to write, are kept.
        let withExtension = try await gateway.post(
            #"{"text":"路灯不亮","complainant":{"phone":"0571-87654321转8001"},"#
                + #""source":{"extra":{"complainant_phone_extension":"9","crm_queue":"night"}}}"#)
        #expect(withExtension.status == 201)
        #expect(withExtension.json["ignored"] as? [String] == ["source.extra.complainant_phone_extension"])
        let extensionID = try #require(withExtension.json["id"] as? String)
        let extra = try #require(
            ((try await gateway.request(.get, "/v1/complaints/\(extensionID)")).json["record"] as? [String: Any])
                .flatMap { $0["source"] as? [String: Any] }?["extra"] as? [String: String])
        #expect(extra == ["complainant_phone_extension": "8001", "crm_queue": "night"])
        let kept = try await gateway.post(
            #"{"text":"路灯不亮","complainant":{"phone":"+8657187654321"},"#
                + #""source":{"extra":{"complainant_phone_extension":"8001"}}}"#)
        #expect(kept.status == 201)
        #expect(kept.json["ignored"] == nil)
        // Still refused: another channel, and a file listed without its bytes.
        #expect(try await gateway.post(#"{"text":"x","channel":"sms"}"#).status == 422)
        let withFile = try await gateway.post(#"{"text":"x","attachments":[{"filename":"a.jpg"}]}"#)
        #expect(withFile.errorMessage?.hasPrefix("attachments[0].content: required field is missing") == true)
        try await gateway.stop()
        await downstream.stop()
    }
}
