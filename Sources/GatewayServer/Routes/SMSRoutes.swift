import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import SMSAdapter
import Storage

/// `POST /v1/sms/{provider}` (and `GET` for the providers that can send one): verify, parse,
/// commit, then answer the way the provider expects.
///
/// The order matters: the signature is checked on the raw bytes before anything is parsed, and a
/// request that fails it is refused with 403, counted and logged without its body or phone number,
/// and never stored. An authentic body that cannot be read is quarantined and acknowledged (a retry
/// would carry the same bytes); a duplicate (the provider retrying) is acknowledged and creates nothing.
struct SMSRoutes: Sendable {
    let pipeline: IntakePipeline
    let providers: [String: any SMSProvider]
    let maxBodyBytes: Int
    /// Holds parts of concatenated SMS; nil when the store cannot (each part is then its own complaint).
    let concat: SMSConcatBuffer?

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/sms/{provider}") { request, context in try await receive(request, context) }
        // Twilio, Vonage and Plivo can be set to send the message as the query of a GET.
        router.get("/v1/sms/{provider}") { request, context in try await receive(request, context) }
    }

    private func receive(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = try context.parameters.require("provider")
        guard let provider = providers[name] else {
            throw GatewayError(.notFound, code: "unknown_provider", "no SMS provider \"\(name)\" is enabled")
        }
        let isGET = request.method == .get
        if isGET && !provider.acceptsGET {
            throw GatewayError(
                .methodNotAllowed, code: "method_not_allowed", "SMS provider \"\(name)\" sends POST; GET is not served",
                headers: [.allow: "POST"])
        }
        let body = try await RequestBodyReader.collect(request, limit: maxBodyBytes)
        let receivedAt = Date()
        let smsRequest = SMSRequest(
            method: isGET ? "GET" : "POST", path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { SMSRequest.Header(name: $0.name.canonicalName, value: $0.value) },
            body: Data(body.readableBytesView), authority: request.head.authority)

        if case .rejected(let rejection) = provider.authenticate(smsRequest, now: receivedAt) {
            Counter(label: "cg_sms_rejected_total", dimensions: [("provider", name), ("code", rejection.code)])
                .increment()
            context.logger.warning(
                "SMS webhook refused",
                metadata: [
                    "cg.provider": "\(name)", "cg.reason": "\(rejection.code)",
                    "cg.detail": "\(LogRedaction.scrub(rejection.message))",
                ])
            throw GatewayError(.forbidden, code: rejection.code, rejection.message)
        }

        // A GET's message is its query: that is what is kept as the raw payload, as the form it is.
        let raw = RawPayload(
            id: pipeline.newRawID(), channel: .sms, adapter: name, receivedAt: receivedAt,
            contentType: isGET ? "application/x-www-form-urlencoded" : request.headers.value(.contentType),
            headers: RequestBodyReader.keptHeaders(request),
            body: isGET ? Data((request.uri.query ?? "").utf8) : smsRequest.body)
        let result: SMSParseResult
        do {
            result = try provider.parse(smsRequest, receivedAt: receivedAt)
        } catch {
            try await quarantine(raw, error.message, provider: name, context: context)
            return reply(provider.acknowledgement)
        }

        switch result {
        case .ignored(let reason):
            Counter(label: "cg_sms_ignored_total", dimensions: [("provider", name)]).increment()
            context.logger.debug(
                "SMS callback ignored", metadata: ["cg.provider": "\(name)", "cg.reason": "\(reason)"])
        case .messages(let messages):
            try await take(messages, raw: raw, provider: name, context: context)
        case .partial(let messages, let problems):
            try await take(messages, raw: raw, provider: name, context: context)
            var rest = raw
            rest.id = pipeline.newRawID()
            try await quarantine(rest, problems.joined(separator: "; "), provider: name, context: context)
        }
        return reply(provider.acknowledgement)
    }

    /// Keeps an authentic request that could not be read (or the unreadable part of a batch) for
    /// an operator: the sender is answered success, as it would only retry the same bytes.
    private func quarantine(
        _ raw: RawPayload, _ reason: String, provider name: String, context: some RequestContext
    ) async throws {
        do {
            try await pipeline.quarantine(raw, error: reason, code: "unreadable_sms")
        } catch {
            throw GatewayError.storeUnavailable(ComplaintRoutes.storeErrorCode(error))
        }
        context.logger.warning(
            "SMS webhook quarantined",
            metadata: [
                "cg.provider": "\(name)", "cg.raw_id": "\(raw.id)", "cg.reason": "\(LogRedaction.scrub(reason))",
            ])
    }

    /// Commits the messages of one request (held as a part when one is of a concatenated SMS).
    private func take(
        _ messages: [SMSMessage], raw: RawPayload, provider name: String, context: some RequestContext
    ) async throws {
        for (index, message) in messages.enumerated() {
            // A batch (Alibaba Cloud) keeps the whole request with each of its messages.
            var payload = raw
            if index > 0 { payload.id = pipeline.newRawID() }
            do {
                if let part = message.concat, let concat {
                    try await concat.hold(message, concat: part, raw: payload)
                    continue
                }
                let outcome = try await pipeline.submit(message.draft, raw: payload, idempotencyKey: nil)
                context.logger.debug(
                    "SMS accepted", metadata: ["cg.provider": "\(name)", "cg.complaint_id": "\(outcome.complaintID)"])
            } catch {
                context.logger.error(
                    "commit failed",
                    metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))", "cg.raw_id": "\(payload.id)"])
                throw GatewayError.storeUnavailable(ComplaintRoutes.storeErrorCode(error))
            }
        }
    }

    private func reply(_ reply: SMSReply) -> Response {
        var headers = HTTPFields()
        if let type = reply.contentType { headers.set(.contentType, type) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
}
