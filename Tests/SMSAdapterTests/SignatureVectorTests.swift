import ComplaintCore
import Foundation
import SMSAdapter
import Testing

/// Every provider's signature check against requests signed by that provider's own SDK.
@Suite struct SignatureVectorTests {
    static let vectors = SignatureVectors.shared.vectors

    @Test(arguments: vectors)
    func verdict(_ vector: SignatureVectors.Vector) throws {
        let provider = try SignatureVectors.shared.provider(for: vector)
        let now = Date(timeIntervalSince1970: TimeInterval(vector.now))
        switch provider.authenticate(vector.request, now: now) {
        case .accepted: #expect(vector.expect == "accepted")
        case .rejected(let rejection): #expect(rejection.code == vector.expect, "\(rejection.message)")
        }
    }

    @Test(arguments: vectors.filter { $0.parsed != nil })
    func parsedRecord(_ vector: SignatureVectors.Vector) throws {
        let provider = try SignatureVectors.shared.provider(for: vector)
        let arrival = Date(timeIntervalSince1970: TimeInterval(vector.now))
        guard case .messages(let messages) = try provider.parse(vector.request, receivedAt: arrival) else {
            Issue.record("not parsed as a message")
            return
        }
        let expected = try #require(vector.parsed)
        let draft = try #require(messages.first).draft
        #expect(messages.count == 1)
        #expect(draft.channel == .sms)
        #expect(draft.source.adapter == vector.provider)
        #expect(draft.source.externalID == expected.externalID)
        #expect(draft.complainant.phone == expected.phone)
        #expect(draft.text == TextNormalizer.normalize(expected.text))
        #expect(RFC3339.format(draft.receivedAt) == (expected.receivedAt ?? RFC3339.format(arrival)))
    }

    @Test func vectorsCoverEveryCase() {
        let names = Set(Self.vectors.map { "\($0.provider)/\($0.name)" })
        for required in [
            "twilio/url_with_query_string", "twilio/proxy_rewritten_prefix", "twilio/json_body_sha256",
            "twilio/tampered_body", "twilio/wrong_secret", "plivo/url_with_query_string", "plivo/tampered_body",
            "vonage/valid_md5hash", "vonage/valid_sha512", "vonage/expired", "telnyx/expired", "telnyx/wrong_key",
            "generic/expired", "generic/library_known_answer", "twilio/get_valid", "twilio/get_with_own_query",
            "twilio/get_tampered", "plivo/get_valid", "plivo/get_tampered", "vonage/get_valid", "vonage/get_tampered",
            "vonage/messages_api_valid", "vonage/messages_api_tampered_body", "vonage/messages_api_wrong_secret",
            "vonage/messages_api_expired", "vonage/messages_api_alg_none", "twilio/json_body_without_body_hash",
            "plivo/json_body_unsigned", "vonage/repeated_msisdn", "vonage/repeated_text", "vonage/repeated_messageId",
        ] {
            #expect(names.contains(required), "missing vector \(required)")
        }
    }
}
