import HTTPTypes
import Hummingbird

/// Answers `HEAD` as the matching `GET` without its body, as HTTP requires of a server that
/// serves GET: uptime monitors and load balancers probe `/healthz` and `/` with HEAD, and a 405
/// there reads as an outage.
///
/// SMS routes are left out: `GET /v1/sms/{provider}` takes a message from a provider that sends
/// it in the query, so a HEAD turned into that GET would store one. `/v1/email` has no GET: its
/// HEAD (Mandrill's check of a webhook URL) is a route of its own.
struct HeadAsGet<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context
    let inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head, !request.uri.path.hasPrefix("/v1/sms/"), request.uri.path != "/v1/email" else {
            return try await inner.respond(to: request, context: context)
        }
        var head = request.head
        head.method = .get
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
            .createHeadResponse()
    }
}
