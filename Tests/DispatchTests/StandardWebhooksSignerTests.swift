import ComplaintDispatch
import Foundation
import Testing

/// Standard Webhooks signing, secrets and auth headers: pure values, no sockets.
@Suite struct StandardWebhooksSignerTests {
    /// The specification's example (also what the reference Python library computes).
    @Test func signsTheSpecificationExample() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = StandardWebhooksSigner.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", body: Data(#"{"test": 2432232314}"#.utf8),
            secret: secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func headersCarryIdTimestampAndSignature() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let headers = StandardWebhooksSigner.headers(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330.9),
            body: Data(#"{"test": 2432232314}"#.utf8), secret: secret)
        #expect(
            headers == [
                HeaderField(name: "webhook-id", value: "msg_p5jXN8AQM9LWM0D4loKWxJek"),
                HeaderField(name: "webhook-timestamp", value: "1614265330"),
                HeaderField(name: "webhook-signature", value: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
            ])
    }

    @Test func secretsNeedThePrefixAndBase64() throws {
        #expect(throws: WebhookSecret.Failure.missingPrefix) { try WebhookSecret(parsing: "MfKQ9r8GKYqrTwjU") }
        #expect(throws: WebhookSecret.Failure.notBase64) { try WebhookSecret(parsing: "whsec_not base64!") }
        #expect(throws: WebhookSecret.Failure.empty) { try WebhookSecret(parsing: "whsec_") }
        // Unpadded base64 is accepted, as the reference implementation does.
        let unpadded = try WebhookSecret(parsing: "whsec_c2VjcmV0")
        #expect(unpadded.key == Data("secret".utf8))
        #expect(try WebhookSecret(parsing: "whsec_c2VjcmV0MQ").key == Data("secret1".utf8))
        #expect(!unpadded.hasRecommendedLength)
        #expect("\(unpadded)" == "whsec_<6 bytes>")
    }

    @Test func authHeaders() {
        #expect(EndpointAuth.none.headerValue == nil)
        #expect(EndpointAuth.bearer(token: "t0k").headerValue == "Bearer t0k")
        // RFC 7617's example.
        #expect(
            EndpointAuth.basic(username: "Aladdin", password: "open sesame").headerValue
                == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    }

    @Test func requestCarriesKeyAuthHeadersAndSignatureOverTheBody() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let endpoint = Department.Endpoint(
            url: "http://127.0.0.1:1/x", headers: [HeaderField(name: "X-Source", value: "cg")],
            auth: .bearer(token: "abc"), signingSecret: secret)
        let body = Data(#"{"id":"cmp_1"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let request = try DeliveryRequest.build(complaintID: "cmp_1", record: body, endpoint: endpoint, now: now)
        let fields = Dictionary(
            request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(request.body == body)
        #expect(fields["content-type"] == "application/json")
        #expect(fields["idempotency-key"] == "cmp_1")
        #expect(fields["authorization"] == "Bearer abc")
        #expect(fields["x-source"] == "cg")
        #expect(fields["webhook-id"] == "cmp_1")
        #expect(fields["webhook-timestamp"] == "1700000000")
        #expect(
            fields["webhook-signature"]
                == StandardWebhooksSigner.signature(id: "cmp_1", timestamp: "1700000000", body: body, secret: secret))
        // No secret: no webhook headers.
        let plain = try DeliveryRequest.build(
            complaintID: "cmp_1", record: body, endpoint: Department.Endpoint(url: "http://127.0.0.1:1/x"), now: now)
        #expect(!plain.headers.contains { $0.name.hasPrefix("webhook-") })
        #expect(!plain.headers.contains { $0.name == "Authorization" })
    }
}
