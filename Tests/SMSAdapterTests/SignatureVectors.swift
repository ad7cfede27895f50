import ComplaintCore
import Foundation
import SMSAdapter
import Testing

/// `Vectors/vectors.json`, signed by the providers' own SDKs (`Vectors/make_vectors.py`), and
/// `Vectors/get_vectors.json`, the GET variants (`Vectors/make_get_vectors.py`), and
/// `Vectors/vonage_jwt_vectors.json`, Vonage Messages API webhooks signed with a JWT and checked
/// with Vonage's verifier (`Vectors/make_vonage_jwt_vectors.py`).
struct SignatureVectors: Decodable {
    struct Vector: Decodable, CustomTestStringConvertible, Sendable {
        struct Parsed: Decodable, Sendable {
            var externalID: String
            var phone: String
            var text: String
            var receivedAt: String?

            enum CodingKeys: String, CodingKey {
                case externalID = "external_id"
                case phone, text
                case receivedAt = "received_at"
            }
        }

        var provider: String
        var name: String
        /// GET for the vectors whose message is the query; POST when absent.
        var method: String?
        var publicBaseURL: String
        var path: String
        var query: String?
        var headers: [String: String]
        var body: String
        var now: Int
        var expect: String
        var parsed: Parsed?
        var config: [String: String]

        enum CodingKeys: String, CodingKey {
            case provider, name, method
            case publicBaseURL = "public_base_url"
            case path, query, headers, body, now, expect, parsed,
                config
        }

        var testDescription: String { "\(provider)/\(name)" }

        var request: SMSRequest {
            SMSRequest(
                method: method ?? "POST", path: path, query: query,
                headers: headers.sorted { $0.key < $1.key }.map { SMSRequest.Header(name: $0.key, value: $0.value) },
                body: Data(body.utf8))
        }
    }

    var secrets: [String: String]
    var vectors: [Vector]

    private struct More: Decodable {
        var vectors: [Vector]
    }

    static let shared: SignatureVectors = {
        func file(_ name: String) -> Data {
            try! Data(contentsOf: Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors")!)
        }
        var shared = try! JSONDecoder().decode(SignatureVectors.self, from: file("vectors"))
        shared.vectors += try! JSONDecoder().decode(More.self, from: file("get_vectors")).vectors
        shared.vectors += try! JSONDecoder().decode(More.self, from: file("vonage_jwt_vectors")).vectors
        return shared
    }()

    /// The provider a vector is checked with, built through the real configuration reader.
    func provider(for vector: Vector) throws -> any SMSProvider {
        let yaml = """
            public_base_url: \(vector.publicBaseURL)
            providers:
              twilio: { auth_token: "\(secrets["twilio_auth_token"]!)", shared_key_secret: "\(secrets["twilio_shared_key"]!)" }
              plivo: { auth_token: "\(secrets["plivo_auth_token"]!)" }
              vonage:
                signature_secret: "\(secrets["vonage_signature_secret"]!)"
                signature_method: \(vector.config["signature_method"] ?? "md5hash")
              telnyx: { public_key: "\(secrets["telnyx_public_key"]!)" }
              generic: { secret: "\(secrets["generic_secret"]!)" }
            """
        let diagnostics = ConfigDiagnostics()
        let node = ConfigNode.parse(yaml: yaml, displayName: "sms.yaml", diagnostics: diagnostics, environment: [:])
        let configuration = SMSConfiguration.read(node)
        try diagnostics.throwIfErrors()
        return configuration.providers[vector.provider]!
    }
}
