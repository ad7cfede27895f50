import ComplaintCore
import ComplaintDispatch
import Foundation
import GatewayTestSupport
import Storage
import Testing

/// What a department receives: signature (checked by the reference implementation), auth, headers, templates.
@Suite struct OutboxDispatcherSigningTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func everyAttemptIsSignedAsTheReferenceImplementationVerifies() async throws {
        let downstream = DownstreamServer(scripts: ["/signed": .failThen(failures: 1, failureStatus: 500)])
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "signed", into: store)
                let signed = department("signed", url: "\(base)/signed") {
                    $0.signingSecret = try? WebhookSecret(parsing: Self.secret)
                    $0.auth = .basic(username: "gateway", password: "pa:ss 密码")
                    $0.headers = [HeaderField(name: "X-Department-Key", value: "k-42")]
                }
                try await withDispatcher(store: store, departments: [signed]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let requests = downstream.requests(to: "/signed")
                try #require(requests.count == 2)
                for request in requests {
                    #expect(try await ReferenceVerifier.verify(request, secret: Self.secret) == "ok")
                    #expect(request.headers["webhook-id"] == ids[0])
                    #expect(request.idempotencyKey == ids[0])
                    #expect(
                        request.headers["authorization"]
                            == "Basic " + Data("gateway:pa:ss 密码".utf8).base64EncodedString())
                    #expect(request.headers["x-department-key"] == "k-42")
                }
                // The body is the record exactly as committed.
                let stored = try #require(try await store.complaint(id: ids[0]))
                #expect(requests[1].body == stored.recordJSON)
                // A wrong secret does not verify: the check is real.
                #expect(
                    try await ReferenceVerifier.verify(requests[1], secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0")
                        != "ok")
            }
        }
    }

    @Test func templatedBodyIsRenderedSignedAndSentWithItsContentType() async throws {
        let downstream = DownstreamServer()
        try await downstream.run { base in
            try await withStore { store in
                let ids = try await ingest(1, for: "legacy", into: store)
                let template = try BodyTemplate(
                    source: "legacy.json.mustache",
                    text:
                        #"{"gdbh":"{{id}}","nr":"{{text}}","cbdw":"{{routing.department}}","lxdh":"{{complainant.phone}}"}"#,
                    contentType: "application/vnd.legacy+json")
                let legacy = department("legacy", url: "\(base)/legacy") {
                    $0.template = template
                    $0.auth = .bearer(token: "legacy-token")
                    $0.signingSecret = try? WebhookSecret(parsing: Self.secret)
                }
                try await withDispatcher(store: store, departments: [legacy]) { _ in
                    try await expectEventually { try await all(ids, in: store, are: .delivered) }
                }
                let request = try #require(downstream.requests(to: "/legacy").first)
                let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: String])
                #expect(body == ["gdbh": ids[0], "nr": "小区门口路灯不亮", "cbdw": "legacy", "lxdh": "+8613812345678"])
                #expect(request.contentType == "application/vnd.legacy+json")
                #expect(request.headers["authorization"] == "Bearer legacy-token")
                #expect(try await ReferenceVerifier.verify(request, secret: Self.secret) == "ok")
            }
        }
    }
}
