import EmailAdapter
import Foundation
import Hummingbird
import NIOCore
import SMSAdapter
import Storage

extension EmailRoutes {
    /// What a mail forwarding service's form gave.
    enum FormMessage {
        /// The raw message, as a field (SendGrid's `email`, Mailgun's `body-mime`) or a `.eml` file.
        case raw([UInt8])
        /// The service parsed the mail and posted its parts: the message rebuilt from them.
        case rebuilt([UInt8], ParsedMailFields.Service)
        /// Mandrill's inbound webhook: the `mandrill_events` field (a JSON array), and the whole form.
        case mandrill(events: [UInt8], form: [UInt8])
        /// Neither: the whole form, kept in quarantine by the caller.
        case unknown(form: [UInt8])
    }

    static let noMessageReason =
        "the form has no message: send it as a field named email, body-mime or message, or as a .eml file (SendGrid "
        + "Inbound Parse: tick \"POST the raw, full MIME message\"; Mailgun: a route URL ending in mime); nor "
        + "is it the fields of SendGrid's or Mailgun's parsed mail"

    /// The message a forwarding service posts as a form: `multipart/form-data` (the raw message as a
    /// field, or the parsed mail's fields and files) or `application/x-www-form-urlencoded` (a
    /// Mailgun route's parsed mail without files).
    static func formMessage(of request: Request, contentType: String, limit: Int) async throws -> FormMessage {
        let body = try await RequestBodyReader.collect(request, limit: limit + formOverheadBytes)
        return try formMessage(Array(body.readableBytesView), contentType: contentType, limit: limit)
    }

    /// ``formMessage(of:contentType:limit:)`` of a form's bytes, as received or as kept.
    static func formMessage(_ bytes: [UInt8], contentType: String, limit: Int) throws -> FormMessage {
        if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            let fields = fields(ofURLEncoded: bytes)
            if let events = fields.first(where: { $0.name == "mandrill_events" }) {
                return .mandrill(events: events.value, form: bytes)
            }
            return rebuilt(fields, form: bytes)
        }
        // The boundary as sent: its case matters.
        guard let boundary = MultipartFileStream.boundary(contentType: contentType) else {
            throw GatewayError.badRequest("multipart Content-Type without a boundary", code: "malformed_multipart")
        }
        var stream = MultipartFileStream(boundary: boundary, picks: MultipartFileStream.isMessagePart)
        var message: [UInt8] = []
        do {
            try bytes.withUnsafeBytes { bytes in try stream.feed(bytes) { message.append(contentsOf: $0) } }
            if stream.foundFile { try stream.finish() }
        } catch let error as MultipartError {
            throw GatewayError.badRequest("malformed multipart/form-data body: \(error)", code: "malformed_multipart")
        }
        if stream.foundFile {
            if message.count > limit { throw GatewayError.tooLarge(limit: limit) }
            return .raw(message)
        }
        switch FormParts.read(bytes, contentType: contentType) {
        case .failure(let error):
            throw GatewayError.badRequest("malformed multipart/form-data body: \(error)", code: "malformed_multipart")
        case .success(let parts): return rebuilt(fields(of: parts), form: bytes)
        }
    }

    /// A form's parts as the fields a service's parsed mail is read from.
    static func fields(of parts: [FormPart]) -> [ParsedMailFields.Field] {
        parts.map {
            ParsedMailFields.Field(
                name: $0.name ?? "", filename: $0.filename, mediaType: $0.mediaType, value: Array($0.content))
        }
    }

    /// A Mailgun route's URL-encoded post as the fields its parsed mail is read from.
    static func fields(ofURLEncoded bytes: [UInt8]) -> [ParsedMailFields.Field] {
        FormURLEncoded.parse(bytes).map { ParsedMailFields.Field(name: $0.name, value: Array($0.value.utf8)) }
    }

    private static func rebuilt(_ fields: [ParsedMailFields.Field], form: [UInt8]) -> FormMessage {
        guard let (message, service) = ParsedMailFields.message(from: fields) else { return .unknown(form: form) }
        return .rebuilt(message, service)
    }
}
