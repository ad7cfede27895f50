import EmailAdapter
import Foundation

/// One part of a `multipart/form-data` body: its field name, file name, declared type and bytes.
struct FormPart {
    var name: String?
    /// Present (possibly empty) on a file field.
    var filename: String?
    /// The part's `Content-Type` as sent, parameters included.
    var contentType: String?
    var content: Data

    /// The media type alone, lowercased (`image/jpeg`).
    var mediaType: String? { contentType.map { HeaderParameters.parse(Array($0.utf8)).value } }
}

/// A whole `multipart/form-data` body split into its parts, as email's multipart bodies are split:
/// the same boundary rules, and part headers read the same way (`filename*=`, a raw UTF-8 or GBK
/// name). For bodies held in memory; a hotline upload streams instead (``MultipartFileStream``).
enum FormParts {
    /// The parts, or why the body is not a form.
    static func read(_ bytes: [UInt8], contentType: String) -> Result<[FormPart], MultipartError> {
        guard let boundary = MultipartFileStream.boundary(contentType: contentType) else {
            return .failure(MultipartError("multipart Content-Type without a boundary"))
        }
        let split = MIMEParser.split(bytes, 0..<bytes.count, boundary: Array(boundary.utf8))
        guard !split.parts.isEmpty else {
            return .failure(
                MultipartError(
                    "malformed multipart/form-data body: no parts found with the boundary of its Content-Type"))
        }
        guard split.closed else {
            return .failure(
                MultipartError("malformed multipart/form-data body: it ends without its closing boundary (cut short?)"))
        }
        return .success(
            split.parts.map { range in
                let (headers, bodyStart, _) = HeaderBlock.parse(bytes, from: range.lowerBound, to: range.upperBound)
                let disposition = headers.raw("Content-Disposition").map(HeaderParameters.parse)
                return FormPart(
                    name: disposition?["name"], filename: disposition?["filename"],
                    contentType: headers.raw("Content-Type").map { String(decoding: $0, as: UTF8.self) },
                    content: Data(bytes[min(bodyStart, range.upperBound)..<range.upperBound]))
            })
    }
}
