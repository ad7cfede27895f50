import ComplaintCore
import Foundation

/// What `POST /v1/routing/explain` and `rules explain --record` accept: a complaint/v1 record
/// (fields the router does not look at are ignored) or just `{"text": …}`.
///
/// Unlike intake, a stored record's own fields (`id`, `channel`, `received_at`, `routing`) are
/// welcome here: explaining why a stored complaint went where it went is the point.
public enum ExplainInput {
    /// Why a body could not be explained; `field` is the dotted path.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var field: String?
        public var message: String
        public var description: String { field.map { "\($0): \(message)" } ?? message }
    }

    /// Builds the complaint to route from a JSON body; `now` stands in for a missing `received_at`.
    public static func complaint(fromJSON body: Data, now: Date = Date()) throws(Failure) -> Complaint {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw Failure(field: nil, message: "malformed JSON at \(error)")
        }
        guard case .object(let fields) = root else { throw Failure(field: nil, message: "expected a JSON object") }
        guard let text = try string(fields, "text").map(TextNormalizer.normalize), !text.isEmpty else {
            throw Failure(field: "text", message: "required field is missing or empty")
        }
        var record = Complaint(
            id: try string(fields, "id") ?? "cmp_explain", channel: .api, receivedAt: now, ingestedAt: now,
            source: .init(adapter: "explain"), text: text)
        if let channel = try string(fields, "channel") {
            guard let value = Channel(rawValue: channel) else {
                throw Failure(
                    field: "channel", message: "must be one of email, sms, hotline, api; found \"\(channel)\"")
            }
            record.channel = value
        }
        if let received = try string(fields, "received_at") {
            guard let date = RFC3339.parse(received) else {
                throw Failure(field: "received_at", message: "must be an RFC 3339 time; found \"\(received)\"")
            }
            record.receivedAt = date
        }
        record.subject = try string(fields, "subject").flatMap(TextNormalizer.normalizeOptional)
        record.category = try string(fields, "category").flatMap(TextNormalizer.normalizeOptional)
        let source = try object(fields, "source")
        if let adapter = try string(source, "adapter", path: "source.") { record.source.adapter = adapter }
        let complainant = try object(fields, "complainant")
        if let phone = try string(complainant, "phone", path: "complainant."),
            case .e164(let number) = PhoneNormalizer().normalize(phone)
        {
            record.complainant.phone = number
        }
        record.complainant.email = try string(complainant, "email", path: "complainant.")
        let location = try object(fields, "location")
        record.location.address = try string(location, "address", path: "location.").flatMap(
            TextNormalizer.normalizeOptional)
        record.location.district = try string(location, "district", path: "location.").flatMap(
            TextNormalizer.normalizeOptional)
        record.routing = try storedRouting(fields)
        if case .array(let items)? = fields["attachments"] {
            record.attachments = items.map { _ in
                Complaint.Attachment(filename: nil, contentType: "application/octet-stream", size: 0, sha256: "")
            }
        }
        return record
    }

    /// A stored record's own `routing`: how it was routed then, for the answer to set beside how
    /// the tables in force decide now. Partial or unreadable blocks are passed over: the record's
    /// routing is never an input to the decision.
    private static func storedRouting(_ fields: [String: JSONValue]) throws(Failure) -> Complaint.RoutingInfo? {
        guard case .object(let routing)? = fields["routing"],
            case .string(let department)? = routing["department"], case .string(let rule)? = routing["rule"],
            case .string(let table)? = routing["table"]
        else { return nil }
        let priority: Priority =
            if case .string(let text)? = routing["priority"], let value = Priority(rawValue: text) { value } else {
                .normal
            }
        let due: Date? = if case .string(let text)? = routing["due_at"] { RFC3339.parse(text) } else { nil }
        return Complaint.RoutingInfo(department: department, priority: priority, dueAt: due, rule: rule, table: table)
    }

    private static func string(_ fields: [String: JSONValue], _ key: String, path: String = "") throws(Failure)
        -> String?
    {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw Failure(field: path + key, message: "expected a string")
        }
    }

    private static func object(_ fields: [String: JSONValue], _ key: String) throws(Failure) -> [String: JSONValue] {
        switch fields[key] {
        case nil, .null?: return [:]
        case .object(let value)?: return value
        default: throw Failure(field: key, message: "expected an object")
        }
    }
}
