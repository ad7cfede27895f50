import ComplaintCore
import Foundation

/// Plivo: the application's message URL (form POST), verified with signature V3.
///
/// Configure the Plivo application's Message URL as `{PUBLIC_BASE_URL}/v1/sms/plivo`, method POST.
/// Plivo concatenates long messages itself; `MessageUUID` is the natural key. V3 has no timestamp, so
/// a replayed request is stopped by deduplication only.
public struct PlivoProvider: SMSProvider {
    public let name: String
    let authToken: String
    let publicURL: PublicURL

    public init(name: String = "plivo", authToken: String, publicURL: PublicURL) {
        self.name = name
        self.authToken = authToken
        self.publicURL = publicURL
    }

    public var acknowledgement: SMSReply { .emptyXMLResponse }

    /// With `message_method` GET, the message is the query; V3 then signs the URL with its query
    /// (sorted, decoded) and the nonce, which is what the code below does when no form is posted.
    public var acceptsGET: Bool { true }

    public func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication {
        guard let signature = request.header("X-Plivo-Signature-V3"), !signature.isEmpty,
            let nonce = request.header("X-Plivo-Signature-V3-Nonce"), !nonce.isEmpty
        else {
            return .rejected(
                SMSRejection(
                    "missing_signature", "headers X-Plivo-Signature-V3 and X-Plivo-Signature-V3-Nonce required"))
        }
        // V3 covers a form's parameters, not any other body: such a body would pass on a
        // signature of the URL alone.
        if !request.isGET && !request.isForm && !request.body.isEmpty {
            return .rejected(
                SMSRejection("bad_signature", "Plivo posts a form; a body of another type is not covered by V3"))
        }
        let parameters = request.isForm && !request.isGET ? request.formParameters : []
        let url = publicURL.url(path: request.path, query: request.query, host: request.authority)
        guard
            PlivoSignatureV3.isValid(
                header: signature, url: url, parameters: parameters, nonce: nonce, authToken: authToken)
        else {
            return .rejected(SMSRejection("bad_signature", "X-Plivo-Signature-V3 does not match"))
        }
        return .accepted
    }

    public func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult {
        guard request.isForm || request.isGET else {
            throw SMSParseError("expected an application/x-www-form-urlencoded body")
        }
        let parameters = request.isGET ? request.queryParameters : request.formParameters
        // MMS and WhatsApp messages carry their text as Body; an empty Text beside it is no text.
        let textField = parameters.first("Text").map { $0.isEmpty ? nil : $0 } ?? nil
        let bodyField = parameters.first("Body")
        let usesBody = textField == nil && bodyField != nil
        let text = usesBody ? bodyField : parameters.first("Text")
        if text == nil, let status = parameters.first("Status") {
            return .ignored(reason: "status callback (\(status)), not an incoming message")
        }
        guard let uuid = parameters.first("MessageUUID"), !uuid.isEmpty else {
            throw SMSParseError("MessageUUID: required field is missing")
        }
        let draft = SMSDraft(
            adapter: name, externalID: uuid, from: parameters.first("From"), text: text ?? "",
            receivedAt: receivedAt,
            // The text is kept once, as the text.
            extra: SMSDraft.extra(
                parameters, excluding: usesBody ? ["MessageUUID", "From", "Body"] : ["MessageUUID", "From", "Text"]),
            fromIsBareDigits: true)
        return .messages([SMSMessage(draft: draft.complaint())])
    }
}
