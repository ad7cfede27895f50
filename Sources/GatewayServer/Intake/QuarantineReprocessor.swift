import ComplaintCore
import Foundation
import HTTPTypes
import HotlineCSVAdapter
import Logging
import Metrics
import SMSAdapter
import Storage

/// Processes a quarantined payload again, through its own channel, with the code and
/// configuration in force now.
///
/// After a fix (a column alias added to a hotline profile, a generic SMS provider's field path
/// corrected, an upgrade that reads what an earlier version could not), what was kept in
/// quarantine becomes its complaints and leaves quarantine: its stored row is updated in the same
/// transaction that commits them, and only while it is still in quarantine, so the payload is
/// taken once however many operators ask at the same time. The complaint keeps the payload's
/// arrival time (deadlines count from it). Authentication is not repeated: only authenticated
/// payloads are ever kept. One that still cannot be read stays, with the reason found now.
struct QuarantineReprocessor: Sendable {
    /// What became of a payload processed again (not a hotline upload: that answers its report).
    struct Outcome: Sendable {
        enum Kind: String, Sendable {
            /// Its complaints are committed (new, or seen before: `duplicate`).
            case accepted
            /// It is deliberately not a complaint (an auto-reply, a status callback).
            case ignored
            /// Parts of a concatenated SMS, held until their set is whole.
            case held
        }

        struct Taken: Sendable {
            var id: String
            var duplicate: Bool
            var routing: Complaint.RoutingInfo
            var followUpOf: String? = nil
        }

        var kind: Kind
        var complaints: [Taken] = []
        var reason: String?
    }

    let api: APIIntake
    let email: EmailIntake
    let sms: SMSIntake
    let providers: [String: any SMSProvider]
    let importer: HotlineImporter

    /// What processing a payload again made of it.
    enum Done: Sendable {
        /// A hotline upload, imported: its report, as an upload answers.
        case imported(ImportReport)
        /// Any other payload.
        case processed(QuarantinedBody, Outcome)
    }

    /// Finds the payload `id` in quarantine and processes it again through its channel (a
    /// hotline upload with `profile`, or the one it was sent with), for
    /// `POST /v1/quarantine/{id}/reprocess` and `complaint-gateway quarantine reprocess`. Counted
    /// in `cg_quarantine_reprocessed_total{channel,outcome}`.
    /// `sheets`, when given, replace the worksheets named with an upload (``SheetChoice``).
    /// - Throws: a ``GatewayError``: 404 `not_found`, 400 for a profile or sheets on a payload
    ///   that is no upload, and those of ``reprocess(_:logger:)`` and ``reimport(_:profile:sheets:)``.
    func reprocess(id: String, profile: String?, sheets: SheetChoice? = nil, logger: Logger) async throws -> Done {
        let payload = try await quarantined(id: id)
        if payload.channel != .hotline, profile != nil || sheets != nil {
            throw GatewayError.badRequest(
                "\(profile != nil ? "profile names a hotline column profile" : "sheet names a workbook's worksheet"); "
                    + "payload \(payload.id) came by \(payload.channel.rawValue)")
        }
        do {
            if payload.channel == .hotline {
                let report = try await reimport(payload, profile: profile, sheets: sheets)
                Self.count(payload, "imported")
                return .imported(report)
            }
            let outcome = try await reprocess(payload, logger: logger)
            Self.count(payload, outcome.kind.rawValue)
            return .processed(payload, outcome)
        } catch let error as GatewayError where error.code == "still_unreadable" {
            Self.count(payload, error.code)
            throw error
        }
    }

    /// The payload `id` in quarantine.
    /// - Throws: a ``GatewayError``: 404 `not_found`, 503 when the store failed.
    func quarantined(id: String) async throws -> QuarantinedBody {
        let found: QuarantinedBody?
        do {
            found = try await importer.store.quarantinedBody(id: id)
        } catch {
            throw GatewayError.storeFailure(error)
        }
        guard let found else {
            throw GatewayError(.notFound, code: "not_found", "no payload in quarantine has the id \(id)")
        }
        return found
    }

    private static func count(_ payload: QuarantinedBody, _ outcome: String) {
        Counter(
            label: "cg_quarantine_reprocessed_total",
            dimensions: [("channel", payload.channel.rawValue), ("outcome", outcome)]
        ).increment()
    }

    /// Processes the payload in `payload` (not a hotline upload) again.
    /// - Throws: a ``GatewayError``: 422 `still_unreadable` with the reason (it stays in
    ///   quarantine), 409 when it cannot be processed here or was taken meanwhile, 503 when the
    ///   store failed.
    func reprocess(_ payload: QuarantinedBody, logger: Logger) async throws -> Outcome {
        let raw = payload.raw
        switch raw.channel {
        case .api:
            let key = raw.headers.last { $0.name.lowercased() == "idempotency-key" }?.value
            let committed: IntakeOutcome
            do {
                committed = try await api.accept(raw, idempotencyKey: key, logger: logger).outcome
            } catch let error as GatewayError where error.rawID == raw.id {
                throw Self.stillUnreadable(raw.id, error.message)
            }
            if case .idempotencyConflict(let existing) = committed {
                throw Self.stillUnreadable(
                    raw.id, "Idempotency-Key \(key ?? "") was already used for complaint \(existing) with another body")
            }
            return Outcome(kind: .accepted, complaints: Self.taken([committed]))
        case .email:
            return try await reprocessEmail(raw)
        case .sms:
            return try await reprocessSMS(raw, logger: logger)
        case .hotline:
            throw GatewayError(.conflict, code: "not_reprocessable", "a hotline upload is imported again as a file")
        }
    }

    private func reprocessEmail(_ raw: RawPayload) async throws -> Outcome {
        guard let message = StoredEmailPayload.message(Array(raw.body), contentType: raw.contentType) else {
            // Its reason stays as it was kept (an SNS confirmation's SubscribeURL, say).
            throw Self.stillUnreadable(
                raw.id,
                "it holds no one message (a form that is neither the message nor a mail service's parsed mail, "
                    + "Mandrill's events, or an Amazon SNS notice without mail)")
        }
        guard EmailIntake.looksLikeMessage(message) else {
            let reason = EmailIntake.notAMessageReason
            // Kept, with the reason found now.
            try await api.pipeline.quarantine(raw, error: reason, code: "not_a_message")
            throw Self.stillUnreadable(raw.id, reason)
        }
        let result: EmailIntake.Result
        do {
            result = try await email.accept(raw, message: message)
        } catch {
            throw GatewayError.storeFailure(error)
        }
        switch result {
        case .created(let id, let routing, let parent):
            return Outcome(
                kind: .accepted, complaints: [.init(id: id, duplicate: false, routing: routing, followUpOf: parent)])
        case .duplicate(let id, let routing):
            return Outcome(kind: .accepted, complaints: [.init(id: id, duplicate: true, routing: routing)])
        case .ignored(let reason, _):
            return Outcome(kind: .ignored, reason: reason)
        }
    }

    private func reprocessSMS(_ raw: RawPayload, logger: Logger) async throws -> Outcome {
        guard let provider = providers[raw.adapter] else {
            throw GatewayError(
                .conflict, code: "not_reprocessable",
                "SMS provider \"\(raw.adapter)\" is not enabled: enable it in gateway.yaml to process this payload")
        }
        // The request as the adapter reads it: the kept body, with the type it was kept as (a
        // GET's query is kept as the form it is).
        var headers = raw.headers.filter { $0.name.lowercased() != "content-type" }
            .map { SMSRequest.Header(name: $0.name, value: $0.value) }
        if let type = raw.contentType { headers.append(.init(name: "Content-Type", value: type)) }
        let request = SMSRequest(
            method: "POST", path: "/v1/sms/\(raw.adapter)", query: nil, headers: headers, body: raw.body)
        let result = try await sms.accept(request, raw: raw, provider: provider, logger: logger)
        if result.quarantinedRawID == raw.id, let reason = result.quarantined {
            // A batch with messages still unreadable stays in quarantine under its id; the
            // readable ones are taken (duplicates of those taken on arrival, as a rule).
            let taken = result.complaints.count + result.held
            throw Self.stillUnreadable(
                raw.id, taken == 0 ? reason : "\(reason) (\(taken) readable message(s) of the batch taken)")
        }
        var outcome = Outcome(
            kind: result.ignored != nil ? .ignored : result.complaints.isEmpty && result.held > 0 ? .held : .accepted)
        outcome.complaints = Self.taken(result.complaints)
        outcome.reason = result.ignored
        return outcome
    }

    /// Imports a quarantined upload again, with `profileName` or the profile it was sent with,
    /// and `sheets` or the worksheets named with it, and answers its import report.
    func reimport(
        _ payload: QuarantinedBody, profile profileName: String?, sheets: SheetChoice? = nil
    ) async throws -> ImportReport {
        guard let path = payload.bodyPath else {
            throw GatewayError(.conflict, code: "not_reprocessable", "the upload's file was not kept")
        }
        let profile = try importer.profile(named: profileName ?? payload.adapter)
        let upload: SpooledUpload
        do {
            upload = try UploadSpool.reread(URL(fileURLWithPath: path))
        } catch {
            throw GatewayError(
                .conflict, code: "not_reprocessable", "the upload's kept file \(path) cannot be read (removed?)")
        }
        if !WorkbookReader.mayBeWorkbook(upload.prefix), let kind = NotCSVSignature.kind(of: upload.prefix) {
            throw Self.stillUnreadable(payload.id, NotCSVSignature.message(kind))
        }
        // Held from before the upload is `importing` again: the gateway's look for interrupted
        // imports must not take it for one (this may be the command line, beside the gateway).
        guard let lock = UploadFileLock.take(upload.url) else {
            throw GatewayError(
                .conflict, code: "not_in_quarantine", "payload \(payload.id) is being imported again already")
        }
        defer { lock.release() }
        var raw = payload.raw
        // Kept with the upload: an import a stop cuts short is finished from the same sheets.
        let headers = sheets.map { $0.replacing(in: raw.headers) }
        guard try await importer.store.reopenUpload(rawID: payload.id, profile: profile.name, headers: headers) else {
            throw GatewayError(.conflict, code: "not_in_quarantine", "payload \(payload.id) is no longer in quarantine")
        }
        raw.headers = headers ?? raw.headers
        raw.adapter = profile.name
        raw.fromQuarantine = false
        do {
            // As an import a stop cut short is finished: the upload is recorded already.
            return try await importer.run(upload, raw: raw, profile: profile, includeIDs: nil, resuming: true)
        } catch {
            let reason = HotlineImporter.failureReason(error)
            try? await importer.store.abandonUpload(rawID: payload.id, error: reason)
            throw Self.stillUnreadable(payload.id, reason)
        }
    }

    /// The complaints committed (a refused Idempotency-Key is settled by the caller before).
    private static func taken(_ outcomes: [IntakeOutcome]) -> [Outcome.Taken] {
        outcomes.compactMap { outcome in
            switch outcome {
            case .created(let id, let routing): .init(id: id, duplicate: false, routing: routing)
            case .duplicate(let id, let routing): .init(id: id, duplicate: true, routing: routing)
            case .idempotencyConflict: nil
            }
        }
    }

    static func stillUnreadable(_ rawID: String, _ reason: String) -> GatewayError {
        GatewayError(.unprocessableContent, code: "still_unreadable", reason, rawID: rawID)
    }
}
