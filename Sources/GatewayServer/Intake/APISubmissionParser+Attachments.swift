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

        /// A file, its name made safe (the name as sent kept when that changed it) and its type
        /// the declared one or, for none or `application/octet-stream`, the name's extension's.
        mutating func add(_ data: Data, sha256: String? = nil, filename given: String?, declaredType: String?) {
            let filename = given.flatMap { TextNormalizer.normalizeOptional($0) }.flatMap(SafeFilename.sanitize)
            if let given, given != filename {
                originalNames.append(
                    .object(["position": .number(Double(records.count)), "filename": .string(given)]))
            }
            let declared = declaredType?.trimmingCharacters(in: .whitespaces).lowercased()
            records.append(
                Complaint.Attachment(
                    filename: filename,
                    contentType: MediaTypeGuess.mediaType(
                        declared: declared.flatMap { $0.isEmpty ? nil : $0 }, filename: filename),
                    size: data.count, sha256: sha256 ?? ContentHash.sha256Hex(data)))
            self.data.append(data)
        }
    }

    static let attachmentKeys: Set<String> = ["filename", "content_type", "content", "size", "sha256"]

    /// `attachments`: each `{filename, content_type, content}`, `content` the file's bytes in base64
    /// (line breaks allowed). The gateway works out `size` and `sha256`; sent too (a record read
    /// back with `GET` lists them), they must be the content's: a file cut short on its way is
    /// refused, not stored as another. A listed file without its `content` is refused: the gateway
    /// would hold a name and no file. Names are made safe as email's are; the type, when none is
    /// given or only `application/octet-stream`, is the one the name's extension says. A form's
    /// file fields (`formFiles`) follow, taken the same way.
    func attachments(_ value: JSONValue?, formFiles: [APISubmissionForm.File] = []) throws(Failure) -> Files {
        var files = Files()
        let items: [JSONValue]
        switch value {
        case nil, .null?: items = []
        case .array(let list)?: items = list
        case let other?: throw Failure(field: "attachments", message: "expected a list, found \(Self.kind(other))")
        }
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
            guard let (data, dataURLType) = Self.decodeBase64(encoded) else {
                throw Failure(
                    field: "\(path).content",
                    message:
                        "not base64 (standard or URL-safe alphabet, or a data: URL as a browser's FileReader gives)")
            }
            let sha256 = ContentHash.sha256Hex(data)
            if let sent = fields["size"], sent != .null {
                guard case .number(let size) = sent else {
                    throw Failure(field: "\(path).size", message: "expected a number, found \(Self.kind(sent))")
                }
                guard size == Double(data.count) else {
                    throw Failure(
                        field: "\(path).size",
                        message: "is not the content's size (\(data.count) bytes): was the file cut short?")
                }
            }
            if let sent = try string(fields["sha256"], "\(path).sha256"), sent.lowercased() != sha256 {
                throw Failure(field: "\(path).sha256", message: "is not the content's SHA-256 (\(sha256))")
            }
            let declared = try string(fields["content_type"], "\(path).content_type") ?? dataURLType
            files.add(
                data, sha256: sha256, filename: try string(fields["filename"], "\(path).filename"),
                declaredType: declared)
        }
        for file in formFiles { files.add(file.data, filename: file.filename, declaredType: file.contentType) }
        return files
    }

    /// The bytes of `text`: base64 in the standard or the URL-safe alphabet, padded or not, with
    /// line breaks or not, or a `data:` URL (`data:image/jpeg;base64,…`, what a browser's
    /// `FileReader.readAsDataURL` gives a web form), whose type is returned beside. Nil when it is
    /// none of these.
    static func decodeBase64(_ text: String) -> (Data, String?)? {
        var body = Substring(text)
        var type: String?
        if body.hasPrefix("data:"), let comma = body.firstIndex(of: ",") {
            let header = body[body.index(body.startIndex, offsetBy: 5)..<comma]
            guard header.lowercased().hasSuffix(";base64") else { return nil }
            let declared = header.dropLast(7).split(separator: ";").first.map(String.init) ?? ""
            type = declared.isEmpty ? nil : declared
            body = body[body.index(after: comma)...]
        }
        var normalized = String(
            body.compactMap { character -> Character? in
                switch character {
                case "-": "+"
                case "_": "/"
                default: character.isWhitespace ? nil : character
                }
            })
        if normalized.utf8.count % 4 != 0 {
            normalized += String(repeating: "=", count: 4 - normalized.utf8.count % 4)
        }
        return Data(base64Encoded: normalized).map { ($0, type) }
    }
}
