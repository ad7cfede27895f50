import ComplaintCore
import HotlineCSVAdapter
import Logging

extension Gateway {
    /// What processing a quarantined payload again made of it, for `quarantine reprocess`.
    public enum QuarantineReprocessing: Sendable {
        /// A hotline upload, imported: its report.
        case imported(ImportReport)
        /// Any other payload: the JSON `POST /v1/quarantine/{id}/reprocess` answers.
        case processed(json: String)
    }

    /// Processes the quarantined payload `id` again, as `POST /v1/quarantine/{id}/reprocess` does.
    /// - Throws: a ``GatewayError`` with the code and message the endpoint answers.
    public func reprocessQuarantined(id: String, profile: String?) async throws -> QuarantineReprocessing {
        let reprocessor = quarantineReprocessor(sms: SMSIntake(pipeline: pipeline, concat: smsConcat))
        switch try await reprocessor.reprocess(id: id, profile: profile, logger: logger) {
        case .imported(let report): return .imported(report)
        case .processed(let payload, let outcome):
            return .processed(json: String(decoding: ResponseBodies.reprocessed(payload, outcome).bytes, as: UTF8.self))
        }
    }
}
