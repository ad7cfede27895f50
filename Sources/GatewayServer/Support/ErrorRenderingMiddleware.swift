import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Every error leaves as the `{"error": {...}}` shape, whatever threw it.
struct ErrorRenderingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            throw error
        } catch let error as HTTPError {
            throw GatewayError(
                error.status, code: Self.code(for: error.status), error.body ?? Self.message(for: error.status),
                headers: error.headers)
        } catch is NIOTooManyBytesError {
            throw GatewayError(.contentTooLarge, code: "body_too_large", "request body is too large")
        } catch let error as HTTPParserError {
            // The head parsed but the body's framing did not (e.g. `Transfer-Encoding: gzip` without
            // `chunked`): the client's fault, and the connection is closed after this answer.
            throw GatewayError(
                .badRequest, code: "malformed_request", "the request body's framing is invalid (\(error))",
                headers: [.connection: "close"])
        } catch {
            context.logger.error("unhandled error", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
            throw GatewayError(.internalServerError, code: "internal", "internal error; nothing was accepted")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "body_too_large"
        case 400: "invalid_request"
        default: "http_\(status.code)"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        status.code == 404 ? "no such resource" : status.reasonPhrase
    }
}
