import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage

/// `POST /v1/email`: one raw RFC 5322 message per request, from an MTA or a forwarding service.
///
/// Answers 201 with the complaint (and `follow_up_of` for a reply in a known thread), 200 with
/// `duplicate: true` for a Message-ID seen before, and 200 with `ignored` for an auto-reply or
/// bounce, which is kept raw and counted: the sender has delivered successfully in every case.
struct EmailRoutes: Sendable {
    let intake: EmailIntake
    let auth: Authenticator
    let maxMessageBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/email") { request, context in try await submit(request, context) }
    }

    private static let acceptedTypes = ["message/rfc822", "text/plain", "application/octet-stream"]

    private func submit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let tokenName = try auth.require(.submit, request)
        let contentType = request.headers.value(.contentType)
        let type = contentType?.lowercased()
        let message: [UInt8]
        if let contentType, let type, type.hasPrefix("multipart/form-data") {
            // The boundary as sent: its case matters.
            message = try await Self.messagePart(of: request, contentType: contentType, limit: maxMessageBytes)
        } else {
            if let type, !Self.acceptedTypes.contains(where: { type.hasPrefix($0) }) {
                throw GatewayError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "the body must be one raw message: Content-Type message/rfc822 (or a multipart/form-data "
                        + "form with it), found \"\(type)\"")
            }
            message = Array(try await RequestBodyReader.collect(request, limit: maxMessageBytes).readableBytesView)
        }
        guard !message.isEmpty else {
            throw GatewayError.badRequest("the body is empty: expected one raw message")
        }
        guard EmailIntake.looksLikeMessage(message) else {
            let reason = EmailIntake.notAMessageReason
            let rawID = try await intake.quarantineNotAMessage(
                message, adapter: tokenName, reason: reason, headers: RequestBodyReader.keptHeaders(request))
            throw GatewayError(.unprocessableContent, code: "not_a_message", reason, rawID: rawID)
        }
        let result: EmailIntake.Result
        do {
            result = try await intake.accept(
                message, adapter: tokenName, headers: RequestBodyReader.keptHeaders(request))
        } catch {
            context.logger.error("email commit failed", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
            throw GatewayError.storeUnavailable(ComplaintRoutes.storeErrorCode(error))
        }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        switch result {
        case .created(let id, let routing, let parent):
            writer.field("id", id)
            writer.field("duplicate", false)
            writer.field("follow_up_of", parent)
            writer.key("routing")
            routing.write(to: &writer)
            writer.endObject()
            var response = jsonResponse(writer, status: .created)
            response.headers[.location] = "/v1/complaints/\(id)"
            return response
        case .duplicate(let id, let routing):
            writer.field("id", id)
            writer.field("duplicate", true)
            writer.key("routing")
            routing.write(to: &writer)
        case .ignored(let reason, let rawID):
            writer.field("ignored", true)
            writer.field("reason", reason)
            writer.field("raw_id", rawID)
        }
        writer.endObject()
        return jsonResponse(writer)
    }

    /// Room for a form's other fields (SendGrid's headers, envelope and spam report) beside the
    /// message, which alone is held to `email.max_message_bytes`.
    static let formOverheadBytes = 1 << 20

    /// The message a forwarding service posts as a form field (SendGrid's `email`, Mailgun's
    /// `body-mime`, or a `.eml` file); the form's other fields are not kept.
    private static func messagePart(of request: Request, contentType: String, limit: Int) async throws -> [UInt8] {
        guard let boundary = MultipartFileStream.boundary(contentType: contentType) else {
            throw GatewayError.badRequest("multipart Content-Type without a boundary", code: "malformed_multipart")
        }
        let body = try await RequestBodyReader.collect(request, limit: limit + formOverheadBytes)
        var form = MultipartFileStream(boundary: boundary, picks: MultipartFileStream.isMessagePart)
        var message: [UInt8] = []
        do {
            try body.withUnsafeReadableBytes { bytes in try form.feed(bytes) { message.append(contentsOf: $0) } }
            guard form.foundFile else {
                throw MultipartError(
                    "the form has no message: send it as a field named email, body-mime or message, or as a .eml file")
            }
            try form.finish()
        } catch let error as MultipartError {
            throw GatewayError.badRequest("malformed multipart/form-data body: \(error)", code: "malformed_multipart")
        }
        if message.count > limit { throw GatewayError.tooLarge(limit: limit) }
        return message
    }
}
