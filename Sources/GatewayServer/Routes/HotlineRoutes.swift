import ComplaintCore
import Foundation
import HTTPTypes
import HotlineCSVAdapter
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Storage

/// `POST /v1/hotline/calls`, `GET /v1/hotline/imports/{id}/rejected.csv`, and the upload page at `GET /`
/// (with its `/upload.js` and `/upload.css`).
struct HotlineRoutes: Sendable {
    let importer: HotlineImporter
    let auth: Authenticator
    /// The largest upload taken (`server.max_upload_bytes`); the body streams to disk, so this bounds disk, not memory.
    let maxUploadBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/hotline/calls") { request, context in try await upload(request, context) }
        router.get("/v1/hotline/imports/{id}/rejected.csv") { request, context in try await rejected(request, context) }
        router.get("/v1/hotline/imports") { request, _ in
            _ = try auth.require(.upload, request)
            let parameters = request.uri.queryParameters
            try QueryParameterCheck.require(parameters, known: ["limit", "cursor"])
            let limit = try QueryParameterCheck.limit(parameters) ?? 20
            let entries = try await importer.store.uploads(
                limit: limit, before: try QueryParameterCheck.rawIDCursor(parameters))
            return jsonResponse(
                UploadHistory.json(entries, nextCursor: entries.count == limit ? entries.last?.rawID : nil))
        }
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                    .contentSecurityPolicy: SecurityHeaders.pageContentSecurityPolicy,
                ],
                body: .init(byteBuffer: ByteBuffer(string: UploadPage.html(profiles: Array(importer.profiles.values)))))
        }
        router.get("/upload.js") { _, _ in
            Self.asset(UploadPage.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/upload.css") { _, _ in
            Self.asset(UploadPage.stylesheet, type: "text/css; charset=utf-8")
        }
    }

    private func upload(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let tokenName = try auth.require(.upload, request)
        let parameters = request.uri.queryParameters
        // Two profiles would leave which one imports to the order; an unknown name is a typo.
        // (An empty profile gets the importer's own answer, which lists the profiles.)
        // `sheet` names a worksheet to read, once for each. `filename` names the file sent as the
        // raw body, for the upload history (a form's file part names itself).
        try QueryParameterCheck.require(
            parameters, known: ["profile", "ids", "sheet", "filename"], repeatable: ["sheet"],
            emptyAllowed: ["profile", "ids", "sheet", "filename"])
        let choice = SheetChoice(parameters.getAll("sheet"))
        let profile = try importer.profile(named: parameters.get("profile"))
        let includeIDs: Bool?
        switch parameters.get("ids") {
        case nil: includeIDs = nil
        case "true", "1": includeIDs = true
        case "false", "0": includeIDs = false
        case let value?: throw GatewayError.badRequest("ids must be true or false, found \"\(value)\"")
        }
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > maxUploadBytes {
            throw GatewayError.tooLarge(limit: maxUploadBytes)
        }
        let contentType = request.headers.value(.contentType)
        var multipart: MultipartFileStream?
        if let contentType, contentType.lowercased().hasPrefix("multipart/") {
            guard let boundary = MultipartFileStream.boundary(contentType: contentType) else {
                throw GatewayError.badRequest("multipart Content-Type without a boundary", code: "malformed_multipart")
            }
            multipart = MultipartFileStream(boundary: boundary)
        } else if let contentType, !Self.isCSVType(contentType) {
            throw GatewayError(
                .unsupportedMediaType, code: "unsupported_media_type",
                "send the file as text/csv, an .xlsx workbook (\(Self.workbookType)), an .ods spreadsheet "
                    + "(\(Self.openDocumentType)), an .xls workbook (\(Self.legacyWorkbookType)), an XML spreadsheet "
                    + "(text/xml) or multipart/form-data, "
                    + "not \"\(contentType)\"")
        }

        try RequestBodyReader.refuseContentEncoding(request)
        let rawID = importer.pipeline.newRawID()
        let receivedAt = Date()
        let spool = try UploadSpool(url: importer.files.upload(rawID: rawID))
        let upload: SpooledUpload
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    if multipart != nil {
                        try multipart!.feed(bytes) { try spool.write($0) }
                    } else {
                        try spool.write(bytes)
                    }
                }
                if spool.size > maxUploadBytes { throw GatewayError.tooLarge(limit: maxUploadBytes) }
            }
            try multipart?.finish()
            upload = try spool.finish()
        } catch let error as MultipartError {
            spool.discard()
            throw GatewayError.badRequest("malformed multipart/form-data body: \(error)", code: "malformed_multipart")
        } catch {
            spool.discard()
            throw error
        }
        // Kept with the upload: who sent it and the file's name (the upload history lists both).
        var kept = RequestBodyReader.keptHeaders(request)
        kept.append(.init(name: UploadHistory.tokenNameHeader, value: tokenName))
        if let name = (multipart?.fileName ?? parameters.get("filename")).flatMap(SafeFilename.sanitize) {
            kept.append(.init(name: UploadHistory.fileNameHeader, value: name))
        }
        let raw = RawPayload(
            id: rawID, channel: .hotline, adapter: profile.name, receivedAt: receivedAt, contentType: contentType,
            headers: choice.replacing(in: kept), body: Data())
        let report: ImportReport
        do {
            report = try await importer.run(upload, raw: raw, profile: profile, includeIDs: includeIDs)
        } catch let error as HotlineImportError {
            throw GatewayError(.unprocessableContent, code: error.code, error.message, rawID: error.rawID)
        } catch let error as GatewayError {
            throw error
        } catch {
            context.logger.error(
                "hotline import failed",
                metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))", "cg.raw_id": "\(rawID)"])
            throw GatewayError.importStopped(rawID: rawID, error)
        }
        return Self.reportResponse(report, includeIDs: includeIDs)
    }

    /// The import report, streamed from its spooled lists: a report with many rejected rows is
    /// never built whole.
    static func reportResponse(_ report: ImportReport, includeIDs: Bool?) -> Response {
        let listIDs = includeIDs ?? (report.rows <= HotlineImporter.idsByDefaultUpTo)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody { writer in
                var chunks = report.jsonChunks(includeIDs: listIDs)
                while let chunk = chunks.next() { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
    }

    private func rejected(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try auth.require(.upload, request)
        let id = try context.parameters.require("id")
        guard id.hasPrefix("raw_"),
            id.utf8.allSatisfy({
                $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }),
            let charset = try await NIOThreadPool.singleton.runIfActive({
                try RejectedFileCharset.detect(importer.files.rejectedRows(rawID: id))
            })
        else { throw GatewayError(.notFound, code: "not_found", "no rejected rows for upload \(id)") }
        // Streamed from disk in pieces: the file can be as large as the upload.
        let body = try await FileIO().loadFile(path: importer.files.rejectedRows(rawID: id).path, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=\(charset)",
                .contentDisposition: "attachment; filename=\"rejected-\(id).csv\"",
            ],
            body: body)
    }

    /// The page's script or stylesheet; revalidated on every load so a new version is picked up at once.
    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The media type of an .xlsx workbook.
    static let workbookType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    /// The media type of an OpenDocument spreadsheet (.ods).
    static let openDocumentType = "application/vnd.oasis.opendocument.spreadsheet"
    /// The media type of an Excel 97–2003 workbook (.xls); many systems also send CSV under it.
    static let legacyWorkbookType = "application/vnd.ms-excel"

    /// Whether an upload's Content-Type is one a call log is sent as: CSV or text, a workbook,
    /// or no particular type.
    static func isCSVType(_ contentType: String) -> Bool {
        let type =
            contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return [
            "text/csv", "text/plain", "text/tab-separated-values", "application/csv", "application/octet-stream",
            legacyWorkbookType, workbookType, openDocumentType, "text/html", "text/xml", "application/xml",
        ].contains(type)
    }
}
