import ComplaintCore
import EmailAdapter
import Foundation

extension APISubmissionParser {
    /// The files a complaint is sent with (a web form's or an app's photos).
    struct Files {
        var records: [Complaint.Attachment] = []
        var data: [Data] = []
        /// `[{position, filename}]`: names that had to be made safe, as sent.
        var originalNames: [JSONValue] = []
    }

    static let attachmentKeys: Set<String> = ["filename", "content_type", "content", "size", "sha256"]

    /// `attachments`: each `{filename, content_type, content}`, `content` the file's bytes in base64
    /// (line breaks allowed). The gateway works out `size` and `sha256`; sent too (a record read
    /// back with `GET` lists them), they must be the content's: a file cut short on its way is
    /// refused, not stored as another. A listed file without its `content` is refused: the gateway
    /// would hold a name and no file. Names are made safe as email's are; the type, when none is
    /// given or only `application/octet-stream`, is the one the name's extension says.
    func attachments(_ value: JSONValue?) throws(Failure) -> Files {
        guard let value, value != .null else { return Files() }
        guard case .array(let items) = value else {
            throw Failure(field: "attachments", message: "expected a list, found \(Self.kind(value))")
        }
        var files = Files()
        for (index, item) in items.enumerated() {
            let path = "attachments[\(index)]"
            guard case .object(let fields) = item else {
                throw Failure(field: path, message: "expected an object, found \(Self.kind(item))")
            }
            try checkKeys(fields, allowed: Self.attachmentKeys, path: path)
            guard let encoded = try string(fields["content"], "\(path).content") else {
                throw Failure(
                    field: "\(path).content",
                    message:
                        "required field is missing: the file's bytes in base64 (a file listed without them is not taken)"
                )
            }
            let stripped = encoded.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: stripped) else {
                throw Failure(
                    field: "\(path).content", message: "not base64 (the standard alphabet, with its = padding)")
            }
            let sha256 = ContentHash.sha256Hex(data)
            if let sent = fields["size"], sent != .null, sent != .number(Double(data.count)) {
                throw Failure(
                    field: "\(path).size",
                    message: "is not the content's size (\(data.count) bytes): was the file cut short?")
            }
            if let sent = try string(fields["sha256"], "\(path).sha256"), sent.lowercased() != sha256 {
                throw Failure(field: "\(path).sha256", message: "is not the content's SHA-256 (\(sha256))")
            }
            let given = try string(fields["filename"], "\(path).filename")
            let filename = given.flatMap { TextNormalizer.normalizeOptional($0) }.flatMap(SafeFilename.sanitize)
            if let given, given != filename {
                files.originalNames.append(.object(["position": .number(Double(index)), "filename": .string(given)]))
            }
            let declared = try string(fields["content_type"], "\(path).content_type")?.trimmingCharacters(
                in: .whitespaces)
            files.records.append(
                Complaint.Attachment(
                    filename: filename,
                    contentType: MediaTypeGuess.mediaType(
                        declared: declared.flatMap { $0.isEmpty ? nil : $0.lowercased() }, filename: filename),
                    size: data.count, sha256: sha256))
            files.data.append(data)
        }
        return files
    }
}
