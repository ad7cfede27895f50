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
    /// `sheets`, when given, are a workbook's worksheets to read instead of those named with the
    /// upload (none: those the gateway picks).
    /// - Throws: a ``GatewayError`` with the code and message the endpoint answers.
    public func reprocessQuarantined(
        id: String, profile: String?, sheets: [String]? = nil
    ) async throws -> QuarantineReprocessing {
        let reprocessor = quarantineReprocessor(sms: SMSIntake(pipeline: pipeline, concat: smsConcat))
        switch try await reprocessor.reprocess(
            id: id, profile: profile, sheets: sheets.map(SheetChoice.init), logger: logger)
        {
        case .imported(let report): return .imported(report)
        case .processed(let payload, let outcome):
            return .processed(json: String(decoding: ResponseBodies.reprocessed(payload, outcome).bytes, as: UTF8.self))
        }
    }
}
