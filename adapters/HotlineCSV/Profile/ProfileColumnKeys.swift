import ComplaintCore

/// Checks a profile's `columns` keys. Any key that is not a record field is an extra
/// (`source.extra.KEY`), so a typo of a field (`adress`, `Text`, `location.district`) is not an
/// unknown key but a field left empty on every record: refused where it cannot be meant,
/// warned where it may be.
enum ProfileColumnKeys {
    /// The keys naming record fields.
    static let fields = [
        "ticket_id", "call_time", "phone", "name", "category", "text", "subject", "address", "district", "lat", "lon",
    ]

    /// `source.extra` keys the gateway writes itself: a column under one of them would overwrite
    /// the raw phone number the gateway keeps (or be overwritten).
    static let reserved = ["complainant_phone_raw", "complainant_phone_extension"]
    /// Keys a file's unknown columns may not take in `source.extra` (they get `_2`): the reserved
    /// ones, and `category`, where a value the profile's map does not list is kept.
    static let extraKeysTaken: Set<String> = Set(reserved + ["category"])

    /// Names admins write for a field, beyond typos.
    private static let synonyms: [String: String] = [
        "phone_number": "phone", "telephone": "phone", "mobile": "phone", "caller": "phone", "tel": "phone",
        "content": "text", "body": "text", "description": "text", "message": "text",
        "ticket": "ticket_id", "ticket_no": "ticket_id", "id": "ticket_id",
        "time": "call_time", "calltime": "call_time", "created": "call_time", "date": "call_time",
        "type": "category", "borough": "district", "location": "address", "title": "subject",
        "latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon",
    ]

    /// Reports a key that cannot be meant as an extra (dotted, a field in another case, reserved).
    static func check(_ key: String, at node: ConfigNode) {
        if key.contains(".") {
            let last = String(key[key.index(after: key.lastIndex(of: ".")!)...])
            let field = fields.contains(last) ? last : synonyms[last]
            node.error(
                "\"\(key)\" is not a profile field: keys are plain"
                    + (field.map { ", write \($0)" }
                        ?? " (fields: \(fields.joined(separator: ", ")); any other key goes to source.extra)"))
        } else if !fields.contains(key), let field = fields.first(where: { $0 == key.lowercased() }) {
            node.error("write \(field) in lower case: \"\(key)\" would go to source.extra, leaving \(field) empty")
        } else if reserved.contains(key) {
            node.error(
                "\(key) is the source.extra key where the gateway keeps a phone number's raw form or extension: "
                    + "name this column otherwise")
        }
    }

    /// After all columns are read: an extra key that looks like a field no column feeds is
    /// warned about, and a profile with no `text` column is refused (`text` is the complaint).
    static func checkFields(_ keys: [(key: String, value: ConfigNode)], columnsNode: ConfigNode) {
        // Keys `check` refused already count as the field they name: one mistake, one message.
        let mapped = Set(keys.compactMap { intended($0.key) })
        var lookalikes: [String: String] = [:]
        for (key, node) in keys where intended(key) == nil {
            guard let field = lookalike(of: key), !mapped.contains(field) else { continue }
            lookalikes[field] = lookalikes[field] ?? key
            if field != "text" {
                node.warning(
                    "\"\(key)\" goes to source.extra.\(key), and no column feeds \(field): did you mean \(field)?")
            }
        }
        if !mapped.contains("text") {
            columnsNode.error(
                "a profile needs a text column (the complaint itself)"
                    + (lookalikes["text"].map { ": did you mean text where it says \"\($0)\"?" } ?? ""))
        }
    }

    /// The field `key` names, written right, in another case, or dotted (`location.district`).
    private static func intended(_ key: String) -> String? {
        let last = key.split(separator: ".").last.map { String($0).lowercased() } ?? key
        return fields.contains(last) ? last : nil
    }

    /// The field `key` is a typo or a synonym of, if any.
    static func lookalike(of key: String) -> String? {
        let lower = key.lowercased()
        if let field = synonyms[lower] { return field }
        if let field = fields.first(where: { $0 == lower }) { return field }
        guard lower.count >= 4 else { return nil }
        return fields.first { field in
            field.count >= 4 && editDistance(Array(lower.unicodeScalars), Array(field.unicodeScalars)) <= 2
        }
    }

    /// Levenshtein distance (keys are short).
    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
