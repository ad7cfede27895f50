import EmailAdapter

/// The message an email payload, as the store keeps it, holds. Most are the message itself; one
/// kept as a mail service posted it (a form or JSON quarantined because it could not be read then,
/// by this version or an earlier one) holds the message `POST /v1/email` takes from such a post
/// now. Serves processing a quarantined payload again and reading a file back from the payload, so
/// both find the message the live route finds.
enum StoredEmailPayload {
    /// The message in `body` kept with `contentType`; nil when a form or JSON holds no one message
    /// (an unknown form, Mandrill's events, an SNS notice without mail).
    static func message(_ body: [UInt8], contentType: String?) -> [UInt8]? {
        let type = contentType?.lowercased() ?? ""
        if let contentType,
            type.hasPrefix("multipart/form-data") || type.hasPrefix("application/x-www-form-urlencoded")
        {
            switch try? EmailRoutes.formMessage(body, contentType: contentType, limit: .max) {
            case .raw(let message), .rebuilt(let message, _): return message
            case .mandrill, .unknown, nil: return nil
            }
        }
        if type.hasPrefix("application/json") || (type.hasPrefix("text/plain") && body.first == UInt8(ascii: "{")) {
            if let delivery = MailServiceEnvelopes.sns(body) {
                guard case .message(let message) = delivery else { return nil }
                return message
            }
            if let (message, _) = ParsedMailFields.message(fromPostmark: body) { return message }
        }
        return body
    }
}
