import ComplaintCore
import Foundation
import HTTPTypes
import Logging
import Storage

/// One `complaint/v1` submission, from `POST /v1/complaints` (JSON, or a form with the record and
/// its files) or from quarantine processed again: decoded and committed, or kept in quarantine
/// with why.
struct APIIntake: Sendable {
    let pipeline: IntakePipeline
    /// Files over this size (`email.max_attachment_bytes`) are listed and kept in the raw payload
    /// only, not a second time apart.
    let maxAttachmentBytes: Int
    let parser = APISubmissionParser()

    /// What became of a submission, and the gateway-assigned fields its body gave values to.
    struct Accepted {
        var outcome: IntakeOutcome
        var ignored: [String]
    }

    /// Commits the record in `raw`; returns after the commit.
    /// - Throws: a ``GatewayError`` carrying `raw.id` when the body could not become a record (it
    ///   is then in quarantine with the reason); 415 for a charset not taken (nothing kept); 503
    ///   when the store could not keep it.
    func accept(_ raw: RawPayload, idempotencyKey: String?, logger: Logger) async throws -> Accepted {
        let form: APISubmissionForm
        switch APISubmissionForm.body(raw.body, contentType: raw.contentType) {
        case .success(let read): form = read
        case .failure(let failure) where failure.code == "unsupported_charset":
            // Like any other media type the route does not take: refused, not stored.
            throw GatewayError(.unsupportedMediaType, code: failure.code, failure.message)
        case .failure(let failure):
            try await pipeline.quarantine(raw, error: failure.message, code: failure.code)
            throw GatewayError(.badRequest, code: failure.code, failure.message, rawID: raw.id)
        }
        let parsed: APISubmissionParser.Parsed
        do {
            parsed = try parser.parse(form.json, files: form.files, adapter: raw.adapter, receivedAt: raw.receivedAt)
        } catch {
            let code = error.field == nil ? "malformed_json" : "invalid_record"
            var message = error.text
            if let hint = DeclaredCharset.hint(for: form.json, contentType: raw.contentType) { message += hint }
            try await pipeline.quarantine(raw, error: message, code: code)
            throw GatewayError(
                error.field == nil ? .badRequest : .unprocessableContent, code: code, message, rawID: raw.id)
        }
        do {
            let outcome = try await pipeline.submit(
                parsed.draft, raw: raw, idempotencyKey: idempotencyKey,
                attachmentData: parsed.attachmentData.map { $0.count > maxAttachmentBytes ? nil : $0 })
            return Accepted(outcome: outcome, ignored: parsed.ignored)
        } catch {
            logger.error(
                "commit failed", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))", "cg.raw_id": "\(raw.id)"])
            throw GatewayError.storeFailure(error)
        }
    }
}
