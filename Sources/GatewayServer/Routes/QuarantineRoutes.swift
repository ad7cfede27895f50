import ComplaintCore
import Foundation
import HTTPTypes
import HotlineCSVAdapter
import Hummingbird
import NIOCore
import Storage

/// The quarantine, for operators (admin scope): payloads kept because they could not become
/// complaints.
///
/// `GET /v1/quarantine` lists them, `GET /v1/quarantine/{id}` answers one's bytes as received, and
/// `POST /v1/quarantine/{id}/reprocess` processes one again through its channel after a fix.
struct QuarantineRoutes: Sendable {
    let store: any ComplaintStore
    let auth: Authenticator
    let reprocessor: QuarantineReprocessor

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/quarantine") { request, _ in
            _ = try auth.require(.admin, request)
            let parameters = request.uri.queryParameters
            try QueryParameterCheck.require(parameters, known: ["limit", "cursor"])
            let limit = try QueryParameterCheck.limit(parameters) ?? 100
            let cursor = try QueryParameterCheck.rawIDCursor(parameters)
            let items = try await store.quarantined(limit: limit, before: cursor)
            return jsonResponse(
                ResponseBodies.quarantine(items, nextCursor: items.count == limit ? items.last?.id : nil))
        }
        router.get("/v1/quarantine/{id}") { request, context in
            _ = try auth.require(.admin, request)
            return try Self.asReceived(try await reprocessor.quarantined(id: try context.parameters.require("id")))
        }
        router.post("/v1/quarantine/{id}/reprocess") { request, context in
            _ = try auth.require(.admin, request)
            let parameters = request.uri.queryParameters
            // `sheet`, once for each worksheet to read; `sheet=` alone: those the gateway picks.
            try QueryParameterCheck.require(
                parameters, known: ["profile", "sheet"], repeatable: ["sheet"], emptyAllowed: ["sheet"])
            let sheets = parameters.getAll("sheet")
            // The kept payload is what is processed: a body sent here (a corrected payload, say)
            // would be silently ignored, so it is refused instead.
            let length = request.headers.value(.contentLength).flatMap(Int.init)
            if (length ?? 0) > 0 || request.headers.value(.transferEncoding) != nil {
                throw GatewayError.badRequest(
                    "reprocess takes no body: it processes the payload as kept; to send a corrected one, "
                        + "post it to its channel's endpoint")
            }
            let id = try context.parameters.require("id")
            switch try await reprocessor.reprocess(
                id: id, profile: parameters.get("profile"), sheets: sheets.isEmpty ? nil : SheetChoice(sheets),
                logger: context.logger)
            {
            case .imported(let report): return HotlineRoutes.reportResponse(report, includeIDs: nil)
            case .processed(let payload, let outcome): return jsonResponse(ResponseBodies.reprocessed(payload, outcome))
            }
        }
    }

    /// The payload's bytes with the type they came with, to look at, fix and send again. An
    /// upload kept in a file is streamed from it: it may be far larger than memory should hold.
    private static func asReceived(_ payload: QuarantinedBody) throws -> Response {
        var headers: HTTPFields = [.contentType: payload.contentType ?? "application/octet-stream"]
        headers[.contentDisposition] = "attachment"
        guard let path = payload.bodyPath else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: payload.body)))
        }
        // The kept file is the call log itself: a form upload's file part, without the form
        // around it, so the form's multipart type would not describe it.
        // A workbook is named and typed as one, whatever it was sent as, so it opens in Excel.
        let head = FileHandle(forReadingAtPath: path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: WorkbookReader.signatureBytes)
        }
        if let head, WorkbookReader.mayBeWorkbook(Array(head)) {
            let bytes = Array(head)
            let legacy =
                WorkbookReader.isLegacy(bytes) && !WorkbookReader.isEncryptedWorkbook(path: path)
                || WorkbookReader.isWebPage(bytes) || WorkbookReader.isXMLSpreadsheet(bytes)
            let (type, suffix) =
                WorkbookReader.isOpenDocument(bytes)
                ? (HotlineRoutes.openDocumentType, "ods")
                : legacy ? (HotlineRoutes.legacyWorkbookType, "xls") : (HotlineRoutes.workbookType, "xlsx")
            headers[.contentType] = type
            headers[.contentDisposition] = "attachment; filename=\"\(payload.id).\(suffix)\""
        } else {
            if payload.contentType.map({ $0.lowercased().hasPrefix("multipart/") }) ?? true {
                headers[.contentType] = "text/csv"
            }
            headers[.contentDisposition] = "attachment; filename=\"\(payload.id).csv\""
        }
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else {
            throw GatewayError(.gone, code: "file_gone", "the upload's kept file \(path) is gone")
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: size) { writer in
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
