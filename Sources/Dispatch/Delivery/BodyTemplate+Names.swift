import ComplaintCore
import Foundation
import Mustache

extension BodyTemplate {
    /// The variables the template names that the record has no field for: misspelt names
    /// (`{{txet}}`, `{{compliant.phone}}`) render empty, silently, in every delivery.
    ///
    /// Found by rendering the template once with a record whose every field is set, looking up
    /// names through a recorder; a name counts as unknown when no object looked in had it (so a
    /// root field named inside a section, found by climbing the context stack, is known).
    /// `source.extra` takes any name. Names inside inverted sections (`{{^field}}`) of fields that
    /// are always set are not seen.
    public func unknownVariables() -> [String] {
        let recorder = NameRecorder()
        var context = (Self.mustacheValue(Self.fullRecord) as? [String: Any]) ?? [:]
        context["record_json"] = "{}"
        _ = template.render(ProbeObject(fields: context, recorder: recorder, open: false))
        return recorder.unknown()
    }

    /// A record with every field set, as departments may receive one.
    private static let fullRecord: JSONValue = {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var record = Complaint(
            id: "cmp_x", channel: .email, receivedAt: now, ingestedAt: now, occurredAt: now,
            source: .init(adapter: "a", externalID: "e", rawID: "raw_x", extra: ["k": .string("v")]),
            complainant: .init(name: "n", phone: "+8613800000000", email: "e@example.cn", anonymous: true),
            subject: "s", text: "t", category: "c",
            location: .init(address: "a", district: "d", lat: 1.5, lon: 2.5),
            attachments: [.init(filename: "f", contentType: "text/plain", size: 1, sha256: "h")],
            thread: .init(inReplyTo: "r", references: ["r"]),
            routing: .init(department: "d", priority: .high, dueAt: now, rule: "r", table: "t"))
        record.id = "cmp_x"
        return (try? JSONParser.parse(ComplaintJSON.encode(record))) ?? .object([:])
    }()
}

/// Names looked up while probing, and which were found.
private final class NameRecorder: @unchecked Sendable {
    private var missed: [String] = []
    private var found: Set<String> = []
    func hit(_ name: String) { found.insert(name) }
    func miss(_ name: String) { if !missed.contains(name) { missed.append(name) } }
    func unknown() -> [String] { missed.filter { !found.contains($0) } }
}

/// A record's object that records the names looked up in it. `open` objects (`source.extra`)
/// have every name.
private struct ProbeObject: MustacheParent {
    let fields: [String: Any]
    let recorder: NameRecorder
    let open: Bool

    func child(named name: String) -> Any? {
        guard let value = fields[name] else {
            if open {
                recorder.hit(name)
                return "x"
            }
            recorder.miss(name)
            return nil
        }
        recorder.hit(name)
        return Self.wrap(value, recorder: recorder, open: name == "extra")
    }

    static func wrap(_ value: Any, recorder: NameRecorder, open: Bool) -> Any {
        if let object = value as? [String: Any] { return ProbeObject(fields: object, recorder: recorder, open: open) }
        if let items = value as? [Any] { return items.map { wrap($0, recorder: recorder, open: false) } }
        return value
    }
}
