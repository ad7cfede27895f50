import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// An error a client sees: status, a stable short `code` (also a metric label) and a precise message.
///
/// Rendered as `{"error": {"code": "…", "message": "…"}}`, plus `raw_id` when the payload was kept.
public struct GatewayError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The quarantined raw payload, when the rejected body was stored.
    public var rawID: String?
    /// The complaint the request names (`idempotency_key_reused`: the one its key made first).
    public var complaintID: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, _ message: String, rawID: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.rawID = rawID
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: String] = ["code": code, "message": message]
        if let rawID { error["raw_id"] = rawID }
        if let complaintID { error["id"] = complaintID }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(["error": error])
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension GatewayError {
    static func badRequest(_ message: String, code: String = "invalid_request", rawID: String? = nil) -> GatewayError {
        GatewayError(.badRequest, code: code, message, rawID: rawID)
    }

    static func tooLarge(limit: Int) -> GatewayError {
        GatewayError(.contentTooLarge, code: "body_too_large", "request body exceeds the limit of \(limit) bytes")
    }

    static func storeUnavailable(_ detail: String) -> GatewayError {
        GatewayError(
            .serviceUnavailable, code: "store_unavailable",
            "the complaint could not be stored durably; nothing was kept, retry later (\(detail))",
            headers: [.retryAfter: "1"])
    }

    /// A call-log import stopped half-way by its store (or by a failure of the gateway's own).
    /// Unlike a single complaint's, the batches committed before it stay; sending the file again
    /// takes the rest, and the rows already taken count as duplicates. The client hears the
    /// store's error code: the statement that failed and SQLite's words go to the log.
    static func importStopped(rawID: String, _ error: any Error) -> GatewayError {
        let cause =
            (error as? StorageError).map { "the store could not commit its rows (\($0.code.rawValue))" }
            ?? "it failed (the gateway's log says why)"
        return GatewayError(
            .serviceUnavailable, code: "store_unavailable",
            HotlineImporter.stoppedMessage(cause: cause, again: "upload the same file again"),
            rawID: rawID, headers: [.retryAfter: "1"])
    }

    /// What a failed write tells the client: 503 to retry later; 409 for a payload processed
    /// again from quarantine that was taken meanwhile (by another operator's request).
    static func storeFailure(_ error: any Error) -> GatewayError {
        if let error = error as? StorageError, error.code == .notQuarantined {
            return GatewayError(.conflict, code: "not_in_quarantine", error.message)
        }
        return storeUnavailable(ComplaintRoutes.storeErrorCode(error))
    }
}
