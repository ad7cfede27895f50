import ComplaintCore
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What every response goes through, answered or failed: errors rendered in the gateway's shape,
/// the security headers, and the request metrics.
///
/// One middleware rather than three: each middleware is one more async frame around every
/// request, and three of them (with Hummingbird's metrics middleware, which times the body's
/// write through a closure) cost about 40 µs per request, a tenth of a stored complaint's.
struct ResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = DispatchTime.now().uptimeNanoseconds
        var context = context
        // The caller's own id, when it sends one, goes into this request's log lines beside ours.
        if let callers = request.headers[.xRequestID].flatMap(Self.loggable) {
            context.logger[metadataKey: "cg.client_request_id"] = .string(callers)
        }
        let active = metrics.started(request.method)
        var response: Response
        var failed = false
        do {
            try Self.checkTransferCoding(request)
            try Self.checkSingleContentType(request)
            response = try await next(request, context)
        } catch {
            failed = true
            response = try ErrorRendering.gatewayError(for: error, logger: context.logger)
                .response(from: request, context: context)
        }
        SecurityHeaders.apply(to: &response.headers)
        // The id the gateway's log lines for this request carry (`hb.request.id`), for an
        // integrator reporting a failure to find.
        response.headers[.xRequestID] = context.id
        metrics.finished(
            request.method, active: active, route: context.endpointPath ?? (failed ? "NotFound" : "Unknown"),
            status: response.status, failed: failed, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
        return response
    }

    /// A caller's request id fit for a log line: up to 128 visible ASCII characters.
    static func loggable(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        // The caller writes what it likes here: phone numbers and e-mail addresses are masked as
        // in any free text, and an id that names a credential is not logged at all.
        let lowered = id.lowercased()
        if ["token", "secret", "password", "bearer", "apikey", "api_key"].contains(where: lowered.contains) {
            return "[redacted]"
        }
        return LogRedaction.scrub(id)
    }

    /// Two `Content-Type` lines leave the body's type to whichever a reader takes first.
    private static func checkSingleContentType(_ request: Request) throws {
        guard request.headers[values: .contentType].count > 1 else { return }
        throw GatewayError.badRequest("Content-Type is given more than once")
    }

    /// `chunked` is the only transfer coding the gateway reads. The HTTP parser refuses a body
    /// not framed by `chunked` (and closes the connection), but takes `gzip, chunked` as chunked,
    /// which is its framing: the body would still be compressed. Refused here, as `gzip` alone is;
    /// the framing itself is unambiguous, so the connection may carry on.
    private static func checkTransferCoding(_ request: Request) throws {
        guard let coding = request.headers[.transferEncoding] else { return }
        let codings = coding.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard codings.count > 1, codings.last == "chunked" else { return }
        throw GatewayError(
            .badRequest, code: "malformed_request",
            "Transfer-Encoding \"\(coding)\": only chunked is read, no other transfer coding")
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: the request's id in the gateway's log, on every response.
    static let xRequestID = Self("X-Request-Id")!
}
