import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Every error leaves as the `{"error": {...}}` shape, whatever threw it.
enum ErrorRendering {
    /// The client's view of `error`: gateway errors as they are, the framework's and the parser's
    /// mapped to a code, anything else a logged 500 that says nothing was accepted.
    static func gatewayError(for error: any Error, logger: Logger) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case let error as HTTPError:
            return GatewayError(
                error.status, code: code(for: error.status), error.body ?? message(for: error.status),
                headers: error.headers)
        case is NIOTooManyBytesError:
            return GatewayError(.contentTooLarge, code: "body_too_large", "request body is too large")
        case let error as HTTPParserError:
            // The head parsed but the body's framing did not (e.g. `Transfer-Encoding: gzip` without
            // `chunked`): the client's fault, and the connection is closed after this answer.
            return GatewayError(
                .badRequest, code: "malformed_request", "the request body's framing is invalid (\(error))",
                headers: [.connection: "close"])
        default:
            logger.error("unhandled error", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
            return GatewayError(.internalServerError, code: "internal", "internal error; nothing was accepted")
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
