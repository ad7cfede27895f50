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
        // Mandrill checks a webhook's URL with a HEAD before it saves it; the answer holds nothing.
        router.head("/v1/email") { _, _ in Response(status: .ok) }
    }

    private static let acceptedTypes = ["message/rfc822", "text/plain", "application/octet-stream"]

    private func submit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let tokenName: String
        do {
            tokenName = try auth.require(.submit, request)
        } catch var refusal as GatewayError where refusal.status == .unauthorized {
            // Senders given the token in their URL's credentials that send them only when challenged
            // for Basic (Amazon SNS; Java's and .NET's HTTP clients) are challenged so. A browser
            // never posts here, so its password dialog is not a concern on this route.
            refusal.headers.append(HTTPField(name: .wwwAuthenticate, value: #"Basic realm="complaint-gateway""#))
            throw refusal
        }
        let contentType = request.headers.value(.contentType)
        let type = contentType?.lowercased()
        var message: [UInt8]
        var keptHeaders = RequestBodyReader.keptHeaders(request)
        let sender = Sender(tokenName: tokenName, headers: keptHeaders, contentType: contentType ?? "")
        if request.headers[Self.snsMessageType] != nil {
            // Amazon SNS posts its JSON as text/plain.
            let body = try await RequestBodyReader.collect(
                request, limit: Self.postmarkLimit(maxMessageBytes: maxMessageBytes))
            return try await snsDelivery(Array(body.readableBytesView), from: sender, context)
        }
        if let contentType, let type,
            type.hasPrefix("multipart/form-data") || type.hasPrefix("application/x-www-form-urlencoded")
        {
            switch try await Self.formMessage(of: request, contentType: contentType, limit: maxMessageBytes) {
            case .raw(let raw): message = raw
            case .rebuilt(let rebuilt, let service):
                message = rebuilt
                // Said beside the stored message: its structure is the gateway's, its parts the service's.
                keptHeaders.append(RawPayload.Header(name: "X-Gateway-Rebuilt-From", value: service.rawValue))
            case .mandrill(let events, let form):
                return try await mandrillEvents(events, form: form, from: sender, context)
            case .unknown(let form):
                let rawID = try await intake.quarantineNotAMessage(
                    form, adapter: tokenName, reason: Self.noMessageReason, headers: keptHeaders,
                    contentType: contentType, code: "malformed_multipart")
                throw GatewayError.badRequest(Self.noMessageReason, code: "malformed_multipart", rawID: rawID)
            }
        } else if let type, type.hasPrefix("application/json") {
            let limit = Self.postmarkLimit(maxMessageBytes: maxMessageBytes)
            let body = Array(try await RequestBodyReader.collect(request, limit: limit).readableBytesView)
            if MailServiceEnvelopes.sns(body) != nil { return try await snsDelivery(body, from: sender, context) }
            guard let (postmark, rebuilt) = ParsedMailFields.message(fromPostmark: body) else {
                throw GatewayError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "the body must be one raw message: Content-Type message/rfc822 (JSON only as Postmark's inbound "
                        + "webhook or Amazon SNS posts it)")
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
        return Self.response(
            to: try await take(message, from: Sender(tokenName: tokenName, headers: keptHeaders), context))
    }

    /// The answer to a post of one message: 201 with `Location` for a new complaint, else 200.
    static func response(to result: EmailIntake.Result) -> Response {
        var writer = JSONWriter(capacity: 256)
        write(result, to: &writer)
        guard case .created(let id, _, _) = result else { return jsonResponse(writer) }
        var response = jsonResponse(writer, status: .created)
        response.headers[.location] = "/v1/complaints/\(id)"
        return response
    }

    /// Who posted, and the request headers kept with what they posted.
    struct Sender {
        var tokenName: String
        var headers: [RawPayload.Header]
        var contentType: String = "message/rfc822"
    }

    /// One raw message taken: a complaint, a duplicate or an ignored auto-reply. A body that is not
    /// a message is kept in quarantine and refused with 422 `not_a_message`.
    func take(_ message: [UInt8], from sender: Sender, _ context: BasicRequestContext) async throws
        -> EmailIntake.Result
    {
        guard EmailIntake.looksLikeMessage(message) else {
            let reason = EmailIntake.notAMessageReason
            let rawID = try await intake.quarantineNotAMessage(
                message, adapter: sender.tokenName, reason: reason, headers: sender.headers)
            throw GatewayError(.unprocessableContent, code: "not_a_message", reason, rawID: rawID)
        }
        do {
            return try await intake.accept(message, adapter: sender.tokenName, headers: sender.headers)
        } catch {
            context.logger.error("email commit failed", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
            throw GatewayError.storeUnavailable(ComplaintRoutes.storeErrorCode(error))
        }
    }

    /// The answer's object for one message taken.
    static func write(_ result: EmailIntake.Result, to writer: inout JSONWriter) {
        writer.beginObject()
        switch result {
        case .created(let id, let routing, let parent):
            writer.field("id", id)
            writer.field("duplicate", false)
            writer.field("follow_up_of", parent)
            writer.key("routing")
            routing.write(to: &writer)
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
    }

    /// Room for a form's other fields (SendGrid's headers, envelope and spam report) beside the
    /// message, which alone is held to `email.max_message_bytes`.
    static let formOverheadBytes = 1 << 20

    /// Postmark's JSON carries the files in base64: a message at the limit takes a third more.
    static func postmarkLimit(maxMessageBytes: Int) -> Int { maxMessageBytes / 3 * 4 + formOverheadBytes }
}
