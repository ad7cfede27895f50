import ComplaintCore
import Foundation

/// A message rebuilt from the fields a mail forwarding service posts when it has parsed the mail
/// itself: SendGrid's Inbound Parse as set up by default (without "POST the raw, full MIME
/// message"), a Mailgun route's `forward()` to a URL that does not end in `mime`, and Postmark's
/// inbound webhook (JSON) without its `RawEmail`.
///
/// Such a post carries the original header block (SendGrid's `headers`, as text; Mailgun's
/// `message-headers`, as JSON pairs), the text and HTML bodies, and the files as file fields. The
/// rebuilt message is those headers (less the ones that described the original MIME structure)
/// over a new `multipart/mixed` body with the text, the HTML and the files, so the complaint is
/// made the way a raw message's is: Message-ID, threads, auto-reply detection, sender, files.
/// What the service dropped (the original MIME structure, parts it did not post) is not recovered.
public enum ParsedMailFields {
    /// One form field: a text field's bytes, or a file's.
    public struct Field: Sendable {
        public var name: String
        /// Set on a file field.
        public var filename: String?
        /// A file field's media type.
        public var mediaType: String?
        public var value: [UInt8]

        public init(name: String, filename: String? = nil, mediaType: String? = nil, value: [UInt8]) {
            self.name = name
            self.filename = filename
            self.mediaType = mediaType
            self.value = value
        }
    }

    /// Whose fields they were.
    public enum Service: String, Sendable {
        case sendGrid = "SendGrid Inbound Parse fields"
        case mailgun = "Mailgun route fields"
        case postmark = "Postmark inbound JSON"
    }

    /// The message of a Postmark inbound webhook's JSON: `RawEmail` as it is when the server was
    /// set to include it; else rebuilt from `FromFull`, `To`, `Cc`, `ReplyTo`, `Subject`, `Date`,
    /// `Headers`, `TextBody`, `HtmlBody` and `Attachments` (base64). Nil when the JSON is not one.
    public static func message(fromPostmark json: [UInt8]) -> (message: [UInt8], rebuilt: Bool)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            object["TextBody"] != nil || object["HtmlBody"] != nil || object["RawEmail"] != nil,
            object["FromFull"] != nil || object["From"] != nil
        else { return nil }
        if let raw = object["RawEmail"] as? String, !raw.isEmpty { return (Array(raw.utf8), false) }
        func string(_ key: String) -> String? { nonEmpty(object[key] as? String) }
        var headerLines: [String] = []
        let from = object["FromFull"] as? [String: Any]
        if let email = nonEmpty(from?["Email"] as? String) ?? string("From") {
            let name = nonEmpty(from?["Name"] as? String) ?? string("FromName")
            headerLines.append(
                "From: " + (name.map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\" <\(email)>" } ?? email))
        }
        for (field, key) in [
            ("To", "To"), ("Cc", "Cc"), ("Reply-To", "ReplyTo"), ("Subject", "Subject"), ("Date", "Date"),
        ] {
            if let value = string(key) { headerLines.append("\(field): \(value)") }
        }
        let given = Set(headerLines.compactMap { $0.split(separator: ":").first.map { $0.lowercased() } })
        for header in object["Headers"] as? [[String: Any]] ?? [] {
            guard let name = header["Name"] as? String, let value = header["Value"] as? String,
                !given.contains(name.lowercased())
            else { continue }
            headerLines.append("\(name): \(value)")
        }
        var files: [File] = []
        for attachment in object["Attachments"] as? [[String: Any]] ?? [] {
            guard let content = attachment["Content"] as? String,
                let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters)
            else { continue }
            files.append(
                File(
                    filename: nonEmpty(attachment["Name"] as? String),
                    mediaType: nonEmpty(attachment["ContentType"] as? String),
                    contentID: nonEmpty(attachment["ContentID"] as? String), bytes: Array(bytes)))
        }
        let message = build(
            headerLines: headerLines.filter(isWellFormed),
            bodies: [
                ("text/plain", string("TextBody").map { Array($0.utf8) }, "utf-8"),
                ("text/html", string("HtmlBody").map { Array($0.utf8) }, "utf-8"),
            ], files: files)
        return (message, true)
    }

    /// The message the fields describe, or nil when they are not a known service's parsed mail.
    public static func message(from fields: [Field]) -> (message: [UInt8], service: Service)? {
        func text(_ name: String) -> [UInt8]? { fields.first { $0.name == name && $0.filename == nil }?.value }
        func json(_ name: String) -> Any? {
            text(name).flatMap { try? JSONSerialization.jsonObject(with: Data($0), options: [.fragmentsAllowed]) }
        }
        if let headers = text("headers"), text("envelope") != nil || text("charsets") != nil {
            let charsets = json("charsets") as? [String: String] ?? [:]
            let info = json("attachment-info") as? [String: [String: Any]] ?? [:]
            var files: [File] = []
            for field in fields where field.filename != nil || field.name.hasPrefix("attachment") {
                guard field.name != "attachment-info", field.name != "attachments" else { continue }
                let described = info[field.name] ?? [:]
                files.append(
                    File(
                        filename: nonEmpty(field.filename) ?? described["filename"] as? String
                            ?? described["name"] as? String,
                        mediaType: nonEmpty(field.mediaType) ?? described["type"] as? String,
                        contentID: described["content-id"] as? String, bytes: field.value))
            }
            let message = build(
                headerLines: headerFields(fromText: headers),
                bodies: [
                    ("text/plain", text("text"), charsets["text"]), ("text/html", text("html"), charsets["html"]),
                ], files: files)
            return (message, .sendGrid)
        }
        if let pairs = json("message-headers") as? [[Any]] {
            let headerLines = pairs.compactMap { pair -> String? in
                guard pair.count == 2, let name = pair[0] as? String, let value = pair[1] as? String else { return nil }
                return "\(name): \(value)"
            }
            let contentIDs = (json("content-id-map") as? [String: String] ?? [:])
            var files: [File] = []
            for field in fields where field.filename != nil {
                files.append(
                    File(
                        filename: nonEmpty(field.filename), mediaType: nonEmpty(field.mediaType),
                        contentID: contentIDs.first { $0.value == field.name }?.key, bytes: field.value))
            }
            let message = build(
                headerLines: headerLines.filter(isWellFormed),
                bodies: [("text/plain", text("body-plain"), "utf-8"), ("text/html", text("body-html"), "utf-8")],
                files: files)
            return (message, .mailgun)
        }
        return nil
    }

    private struct File {
        var filename: String?
        var mediaType: String?
        var contentID: String?
        var bytes: [UInt8]
    }

    /// Header fields that described the original body's structure, which the rebuilt body replaces.
    private static let structural: Set<String> = [
        "content-type", "content-transfer-encoding", "mime-version", "content-length", "content-disposition",
    ]

    private static func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }

    /// Header text (lines separated by LF or CRLF, continuation lines starting with white space)
    /// as one string per field, folding kept.
    private static func headerFields(fromText bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var fields: [String] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += "\r\n" + line
            } else {
                fields.append(line)
            }
        }
        return fields.filter(isWellFormed)
    }

    /// `Name: value` with a printable name, and not a field the rebuilt body replaces.
    private static func isWellFormed(_ field: String) -> Bool {
        guard let colon = field.firstIndex(of: ":") else { return false }
        let name = field[..<colon]
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        return !structural.contains(name.lowercased())
    }

    private static let mixedBoundary = "=_cg-form-mixed"
    private static let alternativeBoundary = "=_cg-form-alternative"

    private static func build(headerLines: [String], bodies: [(String, [UInt8]?, String?)], files: [File]) -> [UInt8] {
        var out = ""
        for line in headerLines { out += folded(line) + "\r\n" }
        out += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"\(mixedBoundary)\"\r\n\r\n"
        let present = bodies.compactMap { type, bytes, charset in bytes.map { (type, $0, charset ?? "utf-8") } }
        out += "--\(mixedBoundary)\r\n"
        if present.count > 1 {
            out += "Content-Type: multipart/alternative; boundary=\"\(alternativeBoundary)\"\r\n\r\n"
            for (type, bytes, charset) in present {
                out += "--\(alternativeBoundary)\r\n" + bodyPart(type: type, charset: charset, bytes: bytes)
            }
            out += "--\(alternativeBoundary)--\r\n"
        } else if let (type, bytes, charset) = present.first {
            out += bodyPart(type: type, charset: charset, bytes: bytes)
        } else {
            out += bodyPart(type: "text/plain", charset: "utf-8", bytes: [])
        }
        for file in files {
            out += "--\(mixedBoundary)\r\n"
            let name = file.filename.map { "; filename*=utf-8''" + HeaderParameters.extendedValue($0) } ?? ""
            // Values from a service's JSON go into part headers: only what a header can hold.
            let type = file.mediaType.map { $0.lowercased() }.flatMap { $0.allSatisfy(isTypeCharacter) ? $0 : nil }
            let contentID = file.contentID.map {
                String($0.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" })
            }
            .flatMap { $0.isEmpty ? nil : $0 }
            out += "Content-Type: \(type.flatMap { $0.contains("/") ? $0 : nil } ?? "application/octet-stream")\r\n"
            out += "Content-Disposition: \(contentID == nil ? "attachment" : "inline")\(name)\r\n"
            if let contentID { out += "Content-ID: <\(contentID)>\r\n" }
            out += "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(file.bytes)
        }
        out += "--\(mixedBoundary)--\r\n"
        return Array(out.utf8)
    }

    private static func isTypeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "!#$&^_.+-/".contains(character))
    }

    /// One header field on CRLF lines: a line break followed by white space stays a fold, any other
    /// (a value from a service's JSON) becomes a space, so no value can end the header block or
    /// start a field of its own.
    private static func folded(_ field: String) -> String {
        var out = ""
        for (index, segment) in field.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).enumerated() {
            if index == 0 {
                out += segment
            } else if let first = segment.first, first == " " || first == "\t" {
                out += "\r\n" + segment
            } else {
                out += " " + segment
            }
        }
        return out
    }

    private static func bodyPart(type: String, charset: String, bytes: [UInt8]) -> String {
        let label = charset.filter { $0.isLetter || $0.isNumber || "-_.:".contains($0) }
        return "Content-Type: \(type); charset=\"\(label.isEmpty ? "utf-8" : label)\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(bytes)
    }

    private static func base64Lines(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
            + "\r\n"
    }
}
