import EmailAdapter
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// `GET /v1/complaints/{id}/attachments/{n}`: a complaint's file, for the department that handles
/// it (the photo "见附件" speaks of).
///
/// The bytes are the citizen's, so they are never shown by the gateway's origin as a page: always a
/// download (`Content-Disposition: attachment`), in a sandbox with nothing allowed, and a type that
/// a browser would run (HTML, SVG, XML, script) is sent as `application/octet-stream`.
enum AttachmentResponse {
    static func response(_ attachment: StoredAttachment, data: Data) -> Response {
        var headers: HTTPFields = [
            .contentType: safeType(attachment.contentType),
            .contentDisposition: disposition(filename: attachment.filename),
            .contentSecurityPolicy: "sandbox; default-src 'none'",
        ]
        headers[.eTag] = "\"\(attachment.sha256)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The declared type, unless a browser would run or render it as a document.
    static func safeType(_ declared: String) -> String {
        let type =
            declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        let isToken = { (part: Substring) in
            !part.isEmpty && part.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !"()<>@,;:\\\"/[]?={}".utf8.contains($0) }
        }
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]) else { return "application/octet-stream" }
        let active =
            type.hasPrefix("text/html") || type.contains("xml") || type.contains("javascript")
            || type.contains("ecmascript") || type == "text/xsl" || type == "multipart/x-mixed-replace"
        return active ? "application/octet-stream" : type
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII stand-in for old
    /// clients, the name itself for every current one. The stored name is already safe
    /// (``SafeFilename``); one with none is `attachment`.
    static func disposition(filename: String?) -> String {
        guard let filename, !filename.isEmpty else { return "attachment" }
        let fallback = String(
            String.UnicodeScalarView(
                filename.unicodeScalars.map { scalar in
                    scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "%"
                        ? scalar : "_"
                }))
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(HeaderParameters.extendedValue(filename))"
    }
}
