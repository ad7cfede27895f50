import ComplaintCore
import EmailAdapter
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
        var message: [UInt8]
        var keptHeaders = RequestBodyReader.keptHeaders(request)
        if let contentType, let type,
            type.hasPrefix("multipart/form-data") || type.hasPrefix("application/x-www-form-urlencoded")
        {
            switch try await Self.formMessage(of: request, contentType: contentType, limit: maxMessageBytes) {
            case .raw(let raw): message = raw
            case .rebuilt(let rebuilt, let service):
                message = rebuilt
                // Said beside the stored message: its structure is the gateway's, its parts the service's.
                keptHeaders.append(RawPayload.Header(name: "X-Gateway-Rebuilt-From", value: service.rawValue))
            case .unknown(let form):
                let rawID = try await intake.quarantineNotAMessage(
                    form, adapter: tokenName, reason: Self.noMessageReason, headers: keptHeaders,
                    contentType: contentType, code: "malformed_multipart")
                throw GatewayError.badRequest(Self.noMessageReason, code: "malformed_multipart", rawID: rawID)
            }
        } else if let type, type.hasPrefix("application/json") {
            let limit = Self.postmarkLimit(maxMessageBytes: maxMessageBytes)
            let body = Array(try await RequestBodyReader.collect(request, limit: limit).readableBytesView)
            guard let (postmark, rebuilt) = ParsedMailFields.message(fromPostmark: body) else {
                throw GatewayError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "the body must be one raw message: Content-Type message/rfc822 (JSON only as Postmark's inbound "
                        + "webhook posts it)")
            }
            message = postmark
            if rebuilt {
                keptHeaders.append(
                    RawPayload.Header(name: "X-Gateway-Rebuilt-From", value: ParsedMailFields.Service.postmark.rawValue)
                )
            }
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
                message, adapter: tokenName, reason: reason, headers: keptHeaders)
            throw GatewayError(.unprocessableContent, code: "not_a_message", reason, rawID: rawID)
        }
        let result: EmailIntake.Result
        do {
            result = try await intake.accept(message, adapter: tokenName, headers: keptHeaders)
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

    /// Postmark's JSON carries the files in base64: a message at the limit takes a third more.
    static func postmarkLimit(maxMessageBytes: Int) -> Int { maxMessageBytes / 3 * 4 + formOverheadBytes }
}
