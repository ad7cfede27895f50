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
/// would carry the same bytes); a duplicate (the provider retrying) is acknowledged and creates
/// nothing. What an authentic request carries is taken by ``SMSIntake``.
struct SMSRoutes: Sendable {
    let providers: [String: any SMSProvider]
    let maxBodyBytes: Int
    let intake: SMSIntake

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

        // A GET's message is its query, and so is an empty POST's for the providers that send
        // GETs (Vonage reads the query then): that is what is kept as the raw payload, as the form it is.
        let inQuery = isGET || (smsRequest.body.isEmpty && provider.acceptsGET && request.uri.query != nil)
        let raw = RawPayload(
            id: intake.pipeline.newRawID(), channel: .sms, adapter: name, receivedAt: receivedAt,
            contentType: inQuery ? "application/x-www-form-urlencoded" : request.headers.value(.contentType),
            headers: RequestBodyReader.keptHeaders(request),
            body: inQuery ? Data((request.uri.query ?? "").utf8) : smsRequest.body)
        _ = try await intake.accept(smsRequest, raw: raw, provider: provider, logger: context.logger)
        return reply(provider.acknowledgement)
    }

    private func reply(_ reply: SMSReply) -> Response {
        var headers = HTTPFields()
        if let type = reply.contentType { headers.set(.contentType, type) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
}
