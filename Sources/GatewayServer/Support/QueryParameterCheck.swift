import Hummingbird

/// The checks every listing's query gets before its values are read: an unknown name (a typo
/// such as `limt`), a name given twice, or an empty value is a 400, not a silent default.
enum QueryParameterCheck {
    /// Refuses a parameter not in `known`, one given twice (unless `repeatable`: a list, such as
    /// the worksheets to read), and an empty one unless `emptyAllowed` names it.
    static func require(
        _ parameters: Parameters, known: Set<String>, repeatable: Set<String> = [], emptyAllowed: Set<String> = []
    ) throws {
        var seen: Set<String> = []
        for (key, value) in parameters {
            let name = String(key)
            guard known.contains(name) else {
                throw GatewayError.badRequest(
                    "unknown query parameter \"\(key)\" (known: \(known.sorted().joined(separator: ", ")))")
            }
            // Which of two values would win is not obvious to the caller: neither does.
            guard seen.insert(name).inserted || repeatable.contains(name) else {
                throw GatewayError.badRequest("\(name) is given more than once")
            }
            // `cursor=` from an unset shell variable would otherwise read as "past the end": an empty page.
            guard !value.isEmpty || emptyAllowed.contains(name) else {
                throw GatewayError.badRequest("\(name) is empty: leave it out instead")
            }
        }
    }

    /// `limit` of 1 to 1000, or nil when absent.
    static func limit(_ parameters: Parameters) throws -> Int? {
        guard let text = parameters.get("limit") else { return nil }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw GatewayError.badRequest("limit must be an integer from 1 to 1000; found \"\(text)\"")
        }
        return value
    }

    /// `cursor` of a list paged by raw id (the quarantine, the upload history): `raw_` and a ULID,
    /// as the last page's `next_cursor` gives it.
    static func rawIDCursor(_ parameters: Parameters) throws -> String? {
        try parameters.get("cursor").map { text in
            guard text.hasPrefix("raw_"), text.utf8.count == 30 else {
                throw GatewayError.badRequest("cursor must be a next_cursor from an earlier page; found \"\(text)\"")
            }
            return text
        }
    }
}
