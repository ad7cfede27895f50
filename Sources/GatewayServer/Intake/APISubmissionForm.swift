import ComplaintCore
import EmailAdapter
import Foundation

/// A complaint sent to `POST /v1/complaints` as `multipart/form-data`: the record as JSON in the
/// field `complaint`, its files as file fields, as a web form, an app's upload library or
/// `curl -F` sends them. The files travel as bytes (no base64 inside JSON, a third smaller), and
/// the body is held to `server.max_form_bytes` rather than `max_body_bytes`.
///
/// The form is split and its part headers read as email's multipart bodies are: the same
/// boundaries, and parameters (`filename*=`, a raw UTF-8 or GBK name) decoded the same way.
struct APISubmissionForm {
    /// One file field: its name as sent, the type its part declares, its bytes.
    struct File {
        var filename: String?
        var contentType: String?
        var data: Data
    }

    /// The record's JSON, as UTF-8.
    var json: Data
    var files: [File]

    static let recordField = "complaint"

    /// A request's body as the record's JSON and its files: a form's, or a JSON body with no files
    /// beside it, read in the charset its `Content-Type` declares.
    static func body(_ body: Data, contentType: String?) -> Result<APISubmissionForm, DeclaredCharset.Failure> {
        if let contentType, isForm(contentType: contentType) { return read(body, contentType: contentType) }
        return DeclaredCharset.utf8Body(body, contentType: contentType).map { APISubmissionForm(json: $0, files: []) }
    }

    static func isForm(contentType: String?) -> Bool {
        contentType.map { $0.lowercased().hasPrefix("multipart/form-data") } ?? false
    }

    /// The record and the files of a form body; a failure's code is `malformed_multipart`, or a
    /// charset failure of the record's part as ``DeclaredCharset`` names it.
    static func read(_ body: Data, contentType: String) -> Result<APISubmissionForm, DeclaredCharset.Failure> {
        func failure(_ message: String) -> Result<APISubmissionForm, DeclaredCharset.Failure> {
            .failure(DeclaredCharset.Failure(code: "malformed_multipart", message: message))
        }
        guard let boundary = MultipartFileStream.boundary(contentType: contentType) else {
            return failure("multipart Content-Type without a boundary")
        }
        let bytes = [UInt8](body)
        let split = MIMEParser.split(bytes, 0..<bytes.count, boundary: Array(boundary.utf8))
        guard !split.parts.isEmpty else {
            return failure("malformed multipart/form-data body: no parts found with the boundary of its Content-Type")
        }
        guard split.closed else {
            return failure("malformed multipart/form-data body: it ends without its closing boundary (cut short?)")
        }
        var record: (bytes: Data, type: String?)?
        var files: [File] = []
        for (index, range) in split.parts.enumerated() {
            let (headers, bodyStart, _) = HeaderBlock.parse(bytes, from: range.lowerBound, to: range.upperBound)
            let content = Data(bytes[min(bodyStart, range.upperBound)..<range.upperBound])
            let type = headers.raw("Content-Type").map { String(decoding: $0, as: UTF8.self) }
            let disposition = headers.raw("Content-Disposition").map(HeaderParameters.parse)
            let name = disposition?["name"]
            if name == recordField {
                guard record == nil else { return failure("the form has two fields named \(recordField)") }
                record = (content, type)
            } else if let filename = disposition?["filename"] {
                // A file input left empty: browsers send it with no name and no bytes.
                if content.isEmpty && filename.isEmpty { continue }
                files.append(
                    File(
                        filename: filename.isEmpty ? nil : filename,
                        contentType: type.map { HeaderParameters.parse(Array($0.utf8)).value }, data: content))
            } else {
                let label = name.map { "field \"\($0)\"" } ?? "part \(index + 1) (no field name)"
                return failure(
                    "form \(label) is not taken: send the record as JSON in a field named \(recordField), "
                        + "and each file as a file field")
            }
        }
        guard let record else {
            return failure(
                "the form has no field named \(recordField): send the record as JSON in it, the files beside it")
        }
        return DeclaredCharset.utf8Body(record.bytes, contentType: record.type).map {
            APISubmissionForm(json: $0, files: files)
        }
    }
}
