import ComplaintCore
import Foundation

/// Turns a `POST /v1/complaints` body into a complaint draft, with precise errors.
///
/// The body is the common record's shape. What the gateway assigns is read over (a record read
/// back with `GET` can be sent as it is) and named in the answer; unknown fields are errors
/// rather than silently dropped, so an integrator's typo (`catgory`) is caught at once.
struct APISubmissionParser {
    /// A draft record, and the gateway-assigned fields the body gave values to (left unused).
    struct Parsed {
        var draft: Complaint
        var ignored: [String]
        /// The bytes of the files sent, in the order of `draft.attachments`.
        var attachmentData: [Data] = []
    }

    /// Why a body was refused; `field` is the dotted path.
    struct Failure: Error, Equatable {
        var field: String?
        var message: String
        var text: String { field.map { "\($0): \(message)" } ?? message }
    }

    let phones = PhoneNormalizer()

    /// Fields the gateway sets itself; a value sent for one is not used (and is named back).
    static let assigned: Set<String> = ["id", "channel", "received_at", "ingested_at", "routing"]
    static let topLevel: Set<String> = Set([
        "schema", "text", "subject", "category", "occurred_at", "complainant",
        "location", "source", "thread", "attachments",
    ]).union(assigned)
    // The nested objects' fields, built once rather than as a set literal on every request.
    static let sourceKeys: Set<String> = Set(["external_id", "extra"]).union(assignedInSource)
    /// The `source` fields the gateway sets itself, as `assigned` at the top level.
    static let assignedInSource: Set<String> = ["adapter", "raw_id"]
    static let complainantKeys: Set<String> = ["name", "phone", "email", "anonymous"]
    static let locationKeys: Set<String> = ["address", "district", "lat", "lon"]
    static let threadKeys: Set<String> = ["in_reply_to", "references"]

    /// `files`: a form's file fields, listed after the body's own `attachments`.
    func parse(
        _ body: Data, files formFiles: [APISubmissionForm.File] = [], adapter: String, receivedAt: Date
    ) throws(Failure) -> Parsed {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw Failure(field: nil, message: "malformed JSON at \(error)")
        }
        guard case .object(let fields) = root else { throw Failure(field: nil, message: "expected a JSON object") }
        try checkKeys(fields, allowed: Self.topLevel, path: "")
        try checkChannel(fields["channel"])
        if let schema = try string(fields["schema"], "schema"), schema != Complaint.schema {
            throw Failure(field: "schema", message: "unsupported schema \"\(schema)\" (expected \(Complaint.schema))")
        }
        let files = try attachments(fields["attachments"], formFiles: formFiles)
        guard let rawText = try string(fields["text"], "text") else {
            throw Failure(field: "text", message: "required field is missing")
        }
        let text = TextNormalizer.normalize(rawText)
        guard !text.isEmpty else { throw Failure(field: "text", message: "must not be empty") }

        var extra: [String: JSONValue] = [:]
        let source = try object(fields["source"], "source", allowed: Self.sourceKeys)
        if let sourceExtra = source["extra"] {
            guard case .object(let values) = sourceExtra else {
                throw Failure(field: "source.extra", message: "expected an object")
            }
            extra = values
        }
        // The gateway writes a few `source.extra` keys of its own (a phone's extension, a value it
        // could not read); one the body also sent with another value is named back as ignored.
        let sentExtra = extra
        let externalID = try string(source["external_id"], "source.external_id").map(TextNormalizer.normalize)
        if let externalID, externalID.isEmpty || externalID.utf8.count > 256 {
            throw Failure(field: "source.external_id", message: "must be 1 to 256 bytes")
        }

        let person = try self.object(
            fields["complainant"], "complainant", allowed: Self.complainantKeys)
        var complainant = Complaint.Complainant(
            name: TextNormalizer.normalizeOptional(try string(person["name"], "complainant.name")),
            anonymous: try bool(person["anonymous"], "complainant.anonymous") ?? false)
        if let phone = try string(person["phone"], "complainant.phone") {
            let (parsed, phoneExtension) = phones.parse(phone)
            switch parsed {
            case .e164(let number):
                complainant.phone = number
                if let phoneExtension { extra["complainant_phone_extension"] = .string(phoneExtension) }
            case .empty: break
            case .withheld: complainant.anonymous = true
            case .invalid(let raw): extra["complainant_phone_raw"] = .string(raw)
            }
        }
        if let email = TextNormalizer.normalizeOptional(try string(person["email"], "complainant.email")) {
            if Self.looksLikeEmail(email) {
                complainant.email = email
            } else {
                extra["complainant_email_raw"] = .string(email)
            }
        }

        let place = try self.object(fields["location"], "location", allowed: Self.locationKeys)
        let location = Complaint.Location(
            address: TextNormalizer.normalizeOptional(try string(place["address"], "location.address")),
            district: TextNormalizer.normalizeOptional(try string(place["district"], "location.district")),
            lat: try number(place["lat"], "location.lat", range: -90...90),
            lon: try number(place["lon"], "location.lon", range: -180...180))

        let threadObject = try self.object(fields["thread"], "thread", allowed: Self.threadKeys)
        var references: [String] = []
        if let list = threadObject["references"], list != .null {
            guard case .array(let values) = list else {
                throw Failure(field: "thread.references", message: "expected a list of strings")
            }
            for (index, value) in values.enumerated() {
                guard case .string(let text) = value else {
                    throw Failure(
                        field: "thread.references[\(index)]", message: "expected a string, found \(Self.kind(value))")
                }
                references.append(text)
            }
        }

        var occurredAt: Date?
        if let text = try string(fields["occurred_at"], "occurred_at") {
            guard let date = RFC3339.parse(text) else {
                throw Failure(field: "occurred_at", message: "not an RFC 3339 timestamp: \"\(text)\"")
            }
            occurredAt = date
        }

        if !files.originalNames.isEmpty { extra["attachment_original_filenames"] = .array(files.originalNames) }
        let draft = Complaint(
            id: "", channel: .api, receivedAt: receivedAt, ingestedAt: receivedAt, occurredAt: occurredAt,
            source: Complaint.Source(adapter: adapter, externalID: externalID, extra: extra),
            complainant: complainant,
            subject: TextNormalizer.normalizeOptional(try string(fields["subject"], "subject")),
            text: text,
            category: TextNormalizer.normalizeOptional(try string(fields["category"], "category")),
            location: location, attachments: files.records,
            thread: Complaint.Thread(
                inReplyTo: try string(threadObject["in_reply_to"], "thread.in_reply_to"),
                references: references))
        let replacedExtra = sentExtra.keys.filter { extra[$0] != sentExtra[$0] }.sorted().map { "source.extra.\($0)" }
        return Parsed(
            draft: draft, ignored: Self.assignedValues(fields, source: source) + replacedExtra,
            attachmentData: files.data)
    }

    // MARK: Typed access with precise errors

    func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, path: String) throws(Failure) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            // The fields the gateway sets are listed apart: they are taken, but their values are not used.
            let setHere = path.isEmpty ? Self.assigned : path == "source" ? Self.assignedInSource : []
            let accepted = allowed.subtracting(setHere).sorted().joined(separator: ", ")
            let readOver = setHere.isEmpty ? "" : "; set by the gateway: " + setHere.sorted().joined(separator: ", ")
            let hint = path.isEmpty ? Self.nestedPath(of: key).map { " (did you mean \($0)?)" } ?? "" : ""
            throw Failure(
                field: path.isEmpty ? key : "\(path).\(key)",
                message: "unknown field\(hint) (accepted: \(accepted)\(readOver))")
        }
    }

    /// Where a field sent at the top level belongs (`phone` → `complainant.phone`): integrators
    /// coming from flat forms send the nested fields flat, and the answer should say where they go.
    private static func nestedPath(of key: String) -> String? {
        let nested: [(String, Set<String>)] = [
            ("complainant", complainantKeys), ("location", locationKeys), ("thread", threadKeys),
            ("source", sourceKeys.subtracting(assignedInSource)),
        ]
        return nested.first { $0.1.contains(key) }.map { "\($0.0).\(key)" }
    }

    /// `channel` may be sent as `"api"`, the one value it can have here: another is an error, as
    /// the complaint did not come in that way.
    private func checkChannel(_ channel: JSONValue?) throws(Failure) {
        guard let channel, channel != .null, channel != .string(Channel.api.rawValue) else { return }
        throw Failure(
            field: "channel",
            message: "must be \"api\" on this endpoint (or left out), found "
                + { if case .string(let name) = channel { "\"\(name)\"" } else { Self.kind(channel) } }()
                + ": the channel is the way the complaint came in")
    }

    /// The gateway-assigned fields sent with a value: the gateway sets them itself (the id, the
    /// times, the routing its own rules decide), so the values sent are not used.
    private static func assignedValues(_ fields: [String: JSONValue], source: [String: JSONValue]) -> [String] {
        let sent = { (value: JSONValue?) in value.map { $0 != .null } ?? false }
        return assigned.subtracting(["channel"]).filter { sent(fields[$0]) }.sorted()
            + assignedInSource.filter { sent(source[$0]) }.sorted().map { "source.\($0)" }
    }

    private func object(_ value: JSONValue?, _ path: String, allowed: Set<String>) throws(Failure) -> [String:
        JSONValue]
    {
        guard let value, value != .null else { return [:] }
        guard case .object(let object) = value else {
            throw Failure(field: path, message: "expected an object, found \(Self.kind(value))")
        }
        try checkKeys(object, allowed: allowed, path: path)
        return object
    }

    func string(_ value: JSONValue?, _ path: String) throws(Failure) -> String? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value else {
            throw Failure(field: path, message: "expected a string, found \(Self.kind(value))")
        }
        return text
    }

    private func bool(_ value: JSONValue?, _ path: String) throws(Failure) -> Bool? {
        guard let value, value != .null else { return nil }
        guard case .bool(let flag) = value else {
            throw Failure(field: path, message: "expected true or false, found \(Self.kind(value))")
        }
        return flag
    }

    private func number(_ value: JSONValue?, _ path: String, range: ClosedRange<Double>) throws(Failure) -> Double? {
        guard let value, value != .null else { return nil }
        guard case .number(let number) = value else {
            throw Failure(field: path, message: "expected a number, found \(Self.kind(value))")
        }
        guard range.contains(number) else {
            throw Failure(field: path, message: "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(where: \.isWhitespace)
    }
}
