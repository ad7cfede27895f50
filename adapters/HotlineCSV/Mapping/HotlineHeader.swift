/// A file's header row bound to a profile: which column feeds which field, and which are unknown.
public struct HotlineHeader: Sendable {
    /// The header fields as written in the file.
    public let names: [String]
    /// For each column index, the profile column it feeds (nil: unknown, goes to `source.extra`).
    let bindings: [HotlineColumn?]
    /// Indexes of the columns bound to each field.
    let ticketIndex: Int
    let callTimeIndex: Int

    /// The headers the rejected-rows file adds; ignored when a file sent back comes in again.
    public static let rejectsColumns = ["line", "reason"]

    /// Binds `names`, the fields of the file's line `line`, to `profile`.
    /// - Throws: ``HotlineImportError`` when a required column is missing or a column appears twice.
    public init(_ names: [String], line: Int = 1, profile: HotlineProfile) throws {
        self.names = names
        var bindings = [HotlineColumn?](repeating: nil, count: names.count)
        var bound: [HotlineField: Int] = [:]
        for (index, name) in names.enumerated() {
            guard let column = Self.column(named: name, in: profile) else { continue }
            if let earlier = bound[column.field] {
                throw HotlineImportError(
                    code: "duplicate_column",
                    "line \(line): columns \(earlier + 1) (\"\(names[earlier])\") and \(index + 1) (\"\(name)\") both feed \(column.field.key)"
                )
            }
            bound[column.field] = index
            bindings[index] = column
        }
        let missing = profile.columns.filter { $0.required && bound[$0.field] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\($0.field.key) (\($0.headers.map { "\"\($0)\"" }.joined(separator: " or ")))" }
            throw HotlineImportError(
                code: "missing_columns",
                "line \(line): the header has no column for \(list.joined(separator: ", ")); profile \(profile.name) expects "
                    + "them (found: \(names.map { "\"\($0)\"" }.joined(separator: ", ")))")
        }
        self.bindings = bindings
        ticketIndex = bound[.ticketID]!
        callTimeIndex = bound[.callTime]!
    }

    /// How many of `names` are headers of `profile`'s columns: among rows that are not the header,
    /// the one with the most is the header that was meant.
    public static func matches(_ names: [String], profile: HotlineProfile) -> Int {
        names.count { column(named: $0, in: profile) != nil }
    }

    /// The profile column a header names (trimmed, case-insensitive, header or alias).
    private static func column(named name: String, in profile: HotlineProfile) -> HotlineColumn? {
        let normalized = HeaderName.normalize(FieldText.unescapeFormula(name))
        return profile.columns.first { column in column.headers.contains { HeaderName.normalize($0) == normalized } }
    }
}

/// The import as a whole cannot go on (bad header, unknown profile, unreadable file).
public struct HotlineImportError: Error, Sendable, CustomStringConvertible {
    /// Stable short code (`missing_columns`, `unknown_profile`, `empty_file`…).
    public var code: String
    public var message: String

    public init(code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
