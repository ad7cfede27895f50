import ComplaintCore
import EmailAdapter
import Foundation

/// A complaint sent to `POST /v1/complaints` as `multipart/form-data`: the record as JSON in the
/// field `complaint`, its files as file fields, as a web form, an app's upload library or
/// `curl -F` sends them. The files travel as bytes (no base64 inside JSON, a third smaller), and
/// the body is held to `server.max_form_bytes` rather than `max_body_bytes`.
///
/// The form is split by ``FormParts``.
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
        let parts: [FormPart]
        switch FormParts.read([UInt8](body), contentType: contentType) {
        case .success(let read): parts = read
        case .failure(let error): return failure(error.description)
        }
        var record: FormPart?
        var files: [File] = []
        for (index, part) in parts.enumerated() {
            if part.name == recordField {
                guard record == nil else { return failure("the form has two fields named \(recordField)") }
                record = part
            } else if let filename = part.filename {
                // A file input left empty: browsers send it with no name and no bytes.
                if part.content.isEmpty && filename.isEmpty { continue }
                files.append(
                    File(filename: filename.isEmpty ? nil : filename, contentType: part.mediaType, data: part.content))
            } else {
                let label = part.name.map { "field \"\($0)\"" } ?? "part \(index + 1) (no field name)"
                return failure(
                    "form \(label) is not taken: send the record as JSON in a field named \(recordField), "
                        + "and each file as a file field")
            }
        }
        guard let record else {
            return failure(
                "the form has no field named \(recordField): send the record as JSON in it, the files beside it")
        }
        return DeclaredCharset.utf8Body(record.content, contentType: record.contentType).map {
            APISubmissionForm(json: $0, files: files)
        }
    }
}
