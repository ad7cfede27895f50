import ComplaintCore
import Foundation
import Logging
import Metrics
import SMSAdapter
import Storage

/// One authentic SMS webhook, from `POST /v1/sms/{provider}` or from quarantine processed again:
/// parsed by its provider, then each message committed (or held as a part of a concatenated SMS);
/// a body that cannot be read is kept in quarantine with why.
struct SMSIntake: Sendable {
    /// What became of one webhook.
    struct Outcome: Sendable {
        /// The messages committed, in the request's order (new or seen before).
        var complaints: [IntakeOutcome] = []
        /// Parts of concatenated SMS held until their set is whole.
        var held = 0
        /// Why the request carries no message (a status callback), when it does not.
        var ignored: String?
        /// Why the request (or, with `complaints`, part of a batch) could not be read: it is in
        /// quarantine, under `quarantinedRawID`.
        var quarantined: String?
        var quarantinedRawID: String?
    }

    let pipeline: IntakePipeline
    /// Holds parts of concatenated SMS; nil when the store cannot (each part is then its own complaint).
    let concat: SMSConcatBuffer?

    /// Parses `request` (already authenticated) and commits what it carries; `raw` is its payload.
    /// - Throws: a ``GatewayError`` when the store could not keep it.
    func accept(_ request: SMSRequest, raw: RawPayload, provider: any SMSProvider, logger: Logger) async throws
        -> Outcome
    {
        var outcome = Outcome()
        let result: SMSParseResult
        do {
            result = try provider.parse(request, receivedAt: raw.receivedAt)
        } catch {
            try await quarantine(raw, error.message, logger: logger)
            outcome.quarantined = error.message
            outcome.quarantinedRawID = raw.id
            return outcome
        }
        switch result {
        case .ignored(let reason):
            Counter(label: "cg_sms_ignored_total", dimensions: [("provider", raw.adapter)]).increment()
            logger.debug("SMS callback ignored", metadata: ["cg.provider": "\(raw.adapter)", "cg.reason": "\(reason)"])
            // A live status callback is not kept; one taken out of quarantine leaves it as ignored.
            if raw.fromQuarantine {
                do {
                    try await pipeline.ignore(raw, reason: reason, kind: "status_callback")
                } catch {
                    throw GatewayError.storeFailure(error)
                }
            }
            outcome.ignored = reason
        case .messages(let messages):
            try await take(messages, raw: raw, logger: logger, into: &outcome)
        case .partial(let messages, let problems):
            // The readable messages take a raw copy of their own and the unreadable rest keeps
            // the request's; one taken out of quarantine keeps its id for what is still unreadable.
            var taken = raw
            var rest = raw
            if raw.fromQuarantine {
                taken.id = pipeline.newRawID()
                taken.fromQuarantine = false
            } else {
                rest.id = pipeline.newRawID()
            }
            try await take(messages, raw: taken, logger: logger, into: &outcome)
            let reason = problems.joined(separator: "; ")
            try await quarantine(rest, reason, logger: logger)
            outcome.quarantined = reason
            outcome.quarantinedRawID = rest.id
        }
        return outcome
    }

    /// Keeps an authentic request that could not be read (or the unreadable part of a batch) for
    /// an operator.
    private func quarantine(_ raw: RawPayload, _ reason: String, logger: Logger) async throws {
        try await pipeline.quarantine(raw, error: reason, code: "unreadable_sms")
        logger.warning(
            "SMS webhook quarantined",
            metadata: [
                "cg.provider": "\(raw.adapter)", "cg.raw_id": "\(raw.id)",
                "cg.reason": "\(LogRedaction.scrub(reason))",
            ])
    }

    /// Commits the messages of one request (held as a part when one is of a concatenated SMS).
    private func take(_ messages: [SMSMessage], raw: RawPayload, logger: Logger, into outcome: inout Outcome)
        async throws
    {
        for (index, message) in messages.enumerated() {
            // A batch (Alibaba Cloud) keeps the whole request with each of its messages; the first
            // message's is the request's own row.
            var payload = raw
            if index > 0 {
                payload.id = pipeline.newRawID()
                payload.fromQuarantine = false
            }
            do {
                if let part = message.concat, let concat {
                    try await concat.hold(message, concat: part, raw: payload)
                    outcome.held += 1
                    continue
                }
                let committed = try await pipeline.submit(message.draft, raw: payload, idempotencyKey: nil)
                outcome.complaints.append(committed)
                logger.debug(
                    "SMS accepted",
                    metadata: ["cg.provider": "\(raw.adapter)", "cg.complaint_id": "\(committed.complaintID)"])
            } catch {
                logger.error(
                    "commit failed",
                    metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))", "cg.raw_id": "\(payload.id)"])
                throw GatewayError.storeFailure(error)
            }
        }
    }
}
