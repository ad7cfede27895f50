import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Routing
import Storage

/// `POST /v1/complaints`, `GET /v1/complaints/{id}`, `GET /v1/complaints`.
struct ComplaintRoutes: Sendable {
    let pipeline: IntakePipeline
    let auth: Authenticator
    let maxBodyBytes: Int
    /// A form's limit: the record and its files as bytes.
    let maxFormBytes: Int
    let intake: APIIntake

    init(intake: APIIntake, auth: Authenticator, maxBodyBytes: Int, maxFormBytes: Int) {
        pipeline = intake.pipeline
        self.intake = intake
        self.auth = auth
        self.maxBodyBytes = maxBodyBytes
        self.maxFormBytes = maxFormBytes
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/complaints") { request, context in try await submit(request, context) }
        router.get("/v1/complaints/{id}") { request, context in try await show(request, context) }
        router.get("/v1/complaints") { request, context in try await list(request, context) }
        router.get("/v1/complaints/{id}/attachments/{position}") { request, context in
            try await attachment(request, context)
        }
    }

    /// One of a complaint's files, by its index in the record's `attachments` (from 0).
    private func attachment(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try auth.require(.read, request)
        let id = try context.parameters.require("id")
        let text = try context.parameters.require("position")
        guard let position = Int(text), position >= 0, String(position) == text else {
            throw GatewayError.badRequest(
                "an attachment is named by its index in the record's attachments, from 0; found \"\(text)\"")
        }
        let lookup: StoredAttachment.Lookup
        do {
            lookup = try await pipeline.store.attachment(complaintID: id, position: position)
        } catch {
            throw GatewayError.storeUnavailable(Self.storeErrorCode(error))
        }
        switch lookup {
        case .noComplaint:
            throw GatewayError(.notFound, code: "not_found", "no complaint with id \(id)")
        case .noAttachment(let count):
            let held =
                switch count {
                case 0: "no attachments"
                case 1: "one attachment, 0"
                default: "\(count) attachments, 0 to \(count - 1)"
                }
            throw GatewayError(.notFound, code: "not_found", "complaint \(id) has \(held)")
        case .found(let attachment):
            // A file over the size limit when it came is read again from the raw message.
            var kept = attachment.data
            if kept == nil {
                do {
                    kept = try await AttachmentFromRawPayload.bytes(
                        of: attachment, at: position, complaintID: id, store: pipeline.store)
                } catch {
                    throw GatewayError.storeUnavailable(Self.storeErrorCode(error))
                }
            }
            guard let data = kept else {
                throw GatewayError(
                    .notFound, code: "attachment_not_kept",
                    "attachment \(position) of complaint \(id) (\(attachment.size) bytes) is not kept apart and could "
                        + "not be read again from the raw payload (source.raw_id of the record)")
            }
            return AttachmentResponse.response(attachment, data: data)
        }
    }

    private func submit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let tokenName = try auth.require(.submit, request)
        let idempotencyKey = try Self.idempotencyKey(request)
        let type = request.headers.value(.contentType)
        let isForm = APISubmissionForm.isForm(contentType: type)
        if let type, !isForm, !type.lowercased().hasPrefix("application/json") {
            throw GatewayError(
                .unsupportedMediaType, code: "unsupported_media_type",
                "Content-Type must be application/json, or multipart/form-data with the record in a field named "
                    + "\(APISubmissionForm.recordField) and the files beside it; found \"\(type)\"")
        }
        let body: ByteBuffer
        do {
            body = try await RequestBodyReader.collect(request, limit: isForm ? maxFormBytes : maxBodyBytes)
        } catch var error as GatewayError where error.code == "body_too_large" && !isForm && maxFormBytes > maxBodyBytes
        {
            // Most often photos in base64: the form takes them as bytes, under a larger limit.
            error.message +=
                "; a complaint with files can be sent as multipart/form-data (the record in a field "
                + "named \(APISubmissionForm.recordField), the files beside it), up to \(maxFormBytes) bytes"
            throw error
        }
        let receivedAt = Date()
        let raw = RawPayload(
            id: pipeline.newRawID(), channel: .api, adapter: tokenName, receivedAt: receivedAt,
            contentType: request.headers.value(.contentType), headers: RequestBodyReader.keptHeaders(request),
            body: Data(body.readableBytesView))

        let accepted = try await intake.accept(raw, idempotencyKey: idempotencyKey, logger: context.logger)
        switch accepted.outcome {
        case .created(let id, let routing):
            var response = jsonResponse(
                ResponseBodies.submission(id: id, duplicate: false, routing: routing, ignored: accepted.ignored),
                status: .created)
            response.headers[.location] = "/v1/complaints/\(id)"
            return response
        case .duplicate(let id, let routing):
            return jsonResponse(
                ResponseBodies.submission(id: id, duplicate: true, routing: routing, ignored: accepted.ignored))
        case .idempotencyConflict(let existing):
            // Refused, not answered as the duplicate: a client that reuses a key for another
            // complaint would otherwise believe it stored and lose it. The first one's id is given.
            var error = GatewayError(
                .unprocessableContent, code: "idempotency_key_reused",
                "Idempotency-Key was already used for complaint \(existing) with a different body", rawID: raw.id)
            error.complaintID = existing
            throw error
        }
    }

    private func show(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try auth.require(.read, request)
        let id = try context.parameters.require("id")
        let stored: StoredComplaint?
        do {
            stored = try await pipeline.store.complaint(id: id)
        } catch {
            throw GatewayError.storeUnavailable(Self.storeErrorCode(error))
        }
        guard var stored else { throw GatewayError(.notFound, code: "not_found", "no complaint with id \(id)") }
        let full = Self.everyRuleTried(stored, router: pipeline.routers.current)
        if let full { stored.traceJSON = full }
        return jsonResponse(ResponseBodies.detail(stored, traceComplete: full != nil))
    }

    /// The trace with every rule tried, when the tables that routed the complaint are still in
    /// force: intake stores only the rules that matched (listing every rule would cost each
    /// complaint's routing), and the same record under the same tables is tried the same way
    /// again. Nil when the tables changed since, or the decision found again is not the stored
    /// one (a follow-up routed by its thread).
    static func everyRuleTried(_ stored: StoredComplaint, router: RuleRouter) -> Data? {
        guard router.configuration.version == stored.tablesVersion, let record = try? stored.record(),
            let routing = record.routing
        else { return nil }
        let decision = router.decide(record, withTrace: true)
        guard decision.differences(from: routing).isEmpty else { return nil }
        return Data(decision.traceJSON)
    }

    private func list(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try auth.require(.read, request)
        let query = try Self.listQuery(request.uri.queryParameters)
        let page: ComplaintPage
        do {
            // A cursor of the right shape that names no complaint would answer an empty page that
            // reads as the end of the list, or the first page again.
            if let cursor = query.cursor, try await pipeline.store.complaint(id: cursor) == nil {
                throw GatewayError.badRequest(
                    "cursor \(cursor) names no stored complaint: pass the next_cursor of an earlier page")
            }
            page = try await pipeline.store.listComplaints(query)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.storeUnavailable(Self.storeErrorCode(error))
        }
        return jsonResponse(ResponseBodies.list(page))
    }

    static func listQuery(_ parameters: Parameters) throws -> ComplaintQuery {
        var query = ComplaintQuery()
        try QueryParameterCheck.require(
            parameters, known: ["channel", "department", "since", "until", "limit", "cursor"])
        if let value = parameters.get("channel") {
            guard let channel = Channel(rawValue: value) else {
                throw GatewayError.badRequest("channel must be one of email, sms, hotline, api; found \"\(value)\"")
            }
            query.channel = channel
        }
        query.department = parameters.get("department")
        for (name, keyPath) in [("since", \ComplaintQuery.since), ("until", \ComplaintQuery.until)] {
            if let value = parameters.get(name) {
                guard let date = RFC3339.parse(value) else {
                    throw GatewayError.badRequest(
                        "\(name) must be an RFC 3339 time such as 2026-11-29T09:00:00Z; found \"\(value)\"")
                }
                query[keyPath: keyPath] = date
            }
        }
        if let limit = try QueryParameterCheck.limit(parameters) { query.limit = limit }
        if let written = parameters.get("cursor") {
            // As the store writes it: ids compare as text, so only its own spelling orders right. A
            // ULID is case-insensitive, so a cursor a tool lower-cased is the same cursor.
            let cursor = written.hasPrefix("cmp_") ? "cmp_" + written.dropFirst(4).uppercased() : written
            guard cursor.hasPrefix("cmp_"), GatewayID.ulid(from: cursor).map(GatewayID.complaint) == cursor else {
                throw GatewayError.badRequest(
                    "cursor must be a next_cursor from an earlier page (cmp_ and 26 characters); found \"\(cursor)\"")
            }
            query.cursor = cursor
        }
        return query
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers.value(.idempotencyKey) else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayError.badRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters", code: "invalid_idempotency_key")
        }
        return key
    }

    static func storeErrorCode(_ error: any Error) -> String {
        (error as? StorageError)?.code.rawValue ?? "unknown"
    }
}
