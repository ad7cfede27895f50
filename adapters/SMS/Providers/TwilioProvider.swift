import ComplaintCore
import Crypto
import Foundation

/// Twilio Programmable Messaging: the incoming-message webhook (`application/x-www-form-urlencoded`).
///
/// Configure the number's "A message comes in" webhook as `{PUBLIC_BASE_URL}/v1/sms/twilio`, HTTP POST (or GET).
/// Twilio reassembles long messages itself; `MessageSid` is the natural key. The reply is empty TwiML,
/// which sends nothing back to the citizen.
public struct TwilioProvider: SMSProvider {
    public let name: String
    /// The secret of a Webhooks Rule's SharedKey, for requests carrying `X-Twilio-Webhooks-Signature-Settings`.
    let sharedKeySecret: String?
    let publicURL: PublicURL
    /// HMAC-SHA1 keyed with the Auth Token once, not on every webhook.
    let authTokenHMAC: PreparedHMAC
    /// The configured base URL with and without its port, worked out once (see ``PublicURL/baseVariants``).
    let baseVariants: [String]?

    public init(name: String = "twilio", authToken: String, sharedKeySecret: String? = nil, publicURL: PublicURL) {
        self.name = name
        self.sharedKeySecret = sharedKeySecret
        self.publicURL = publicURL
        authTokenHMAC = PreparedHMAC(key: authToken, algorithm: .hmacSHA1)
        baseVariants = publicURL.baseVariants
    }

    public var acknowledgement: SMSReply { .emptyXMLResponse }

    /// With "HTTP GET" set for the number, the message is the query, and the signature covers the
    /// URL with it and no other parameters (the code below signs no parameters for a GET).
    public var acceptsGET: Bool { true }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication {
        guard let signature = request.header("X-Twilio-Signature"), !signature.isEmpty else {
            return .rejected(SMSRejection("missing_signature", "header X-Twilio-Signature is missing"))
        }
        var hmac = authTokenHMAC
        if let settings = request.header("X-Twilio-Webhooks-Signature-Settings"), !settings.isEmpty {
            guard let named = TwilioSignature.algorithm(settingsHeader: settings) else {
                return .rejected(SMSRejection("unsupported_algorithm", "unsupported signature algorithm in settings"))
            }
            guard let sharedKeySecret, !sharedKeySecret.isEmpty else {
                return .rejected(
                    SMSRejection("shared_key_not_configured", "signed with a SharedKey but none is configured"))
            }
            hmac = PreparedHMAC(key: sharedKeySecret, algorithm: named)
        }
        // A GET signs no parameters: its message is the query, which is in the signed URL.
        // A POST signs its form's parameters; any other body only through `bodySHA256` in the
        // signed URL. A body covered by neither would pass on a signature of the URL alone.
        var parameters: [FormParameter] = []
        if request.isForm && !request.isGET {
            parameters = request.formParameters
        } else if request.isGET {
            // The message is the query, in the signed URL.
        } else if let bodyHash = request.queryParameters.first("bodySHA256") {
            let actual = Hex.encode(SHA256.hash(data: request.body))
            guard ConstantTime.equal(actual, bodyHash.lowercased()) else {
                return .rejected(SMSRejection("bad_signature", "bodySHA256 does not match the body"))
            }
        } else {
            return .rejected(
                SMSRejection(
                    "bad_signature",
                    "a body that is not a form must be signed through bodySHA256 in the URL, and the URL has none"))
        }
        let urlVariants: [String]
        let rest: String
        if let baseVariants, PublicURL.baseVariantsApply(toPath: request.path) {
            urlVariants = baseVariants
            rest = PublicURL.pathAndQuery(path: request.path, query: request.query)
        } else {
            urlVariants = PublicURL.portVariants(
                publicURL.url(path: request.path, query: request.query, host: request.authority))
            rest = ""
        }
        guard
            TwilioSignature.isValid(
                signature, urlVariants: urlVariants, followedBy: rest,
                signedParameters: TwilioSignature.signedParameters(parameters), hmac: hmac)
        else {
            return .rejected(SMSRejection("bad_signature", "X-Twilio-Signature does not match"))
        }
        return .accepted
    }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        let parameters: [FormParameter]
        if request.isGET {
            parameters = request.queryParameters
        } else if request.isForm {
            parameters = request.formParameters
        } else {
            // The JSON variant (`bodySHA256`): a flat object with the same names.
            let fields = try SMSJSON.object(try SMSJSON.parse(request.body), "body")
            parameters = fields.compactMap { key, value in value.scalarText.map { FormParameter(key, $0) } }
        }
        if let status = parameters.first("SmsStatus") ?? parameters.first("MessageStatus"), status != "received" {
            return .ignored(reason: "status callback (\(status)), not an incoming message")
        }
        guard let sid = parameters.first("MessageSid") ?? parameters.first("SmsMessageSid"), !sid.isEmpty else {
            throw SMSParseError("MessageSid: required field is missing")
        }
        let draft = SMSDraft(
            adapter: name, externalID: sid, from: parameters.first("From"), text: parameters.first("Body") ?? "",
            receivedAt: receivedAt,
            extra: SMSDraft.extra(parameters, excluding: ["MessageSid", "From", "Body"]))
        return .messages([SMSMessage(draft: draft.complaint())])
    }
}
