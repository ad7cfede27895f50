import ComplaintCore

/// The answer to an upload: counts, every rejected row and warning with its line, and the ids.
///
/// `line` is the physical line where the row starts (the header is line 1), so staff find it in
/// Excel; `rows` counts data rows, and `accepted + duplicates + rejected.count == rows`.
public struct ImportReport: Sendable {
    /// One row's problem.
    public struct RowIssue: Sendable, Hashable {
        public var line: Int
        public var ticket: String?
        public var reason: String

        public init(line: Int, ticket: String?, reason: String) {
            self.line = line
            self.ticket = ticket
            self.reason = reason
        }
    }

    public var fileSHA256: String
    public var profile: String
    public var encoding: CSVEncoding
    /// The stored upload (`raw_…`).
    public var rawID: String
    public var rows = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected: [RowIssue] = []
    public var warnings: [RowIssue] = []
    /// Line → complaint id (new or the existing one for a duplicate), when collected.
    public var idsByLine: [(line: Int, id: String)] = []
    /// Where the rejected rows can be downloaded, when there are any.
    public var rejectedCSVPath: String?

    public init(fileSHA256: String, profile: String, encoding: CSVEncoding, rawID: String) {
        self.fileSHA256 = fileSHA256
        self.profile = profile
        self.encoding = encoding
        self.rawID = rawID
    }

    /// The report as JSON, in the shape DESIGN.md gives (plus `raw_id`, `profile`, `encoding`, `rejected_csv`).
    public func json(includeIDs: Bool) -> [UInt8] {
        var writer = JSONWriter(
            capacity: 256 + 96 * (rejected.count + warnings.count) + (includeIDs ? 48 * idsByLine.count : 0))
        writer.beginObject()
        writer.field("file_sha256", fileSHA256)
        writer.field("raw_id", rawID)
        writer.field("profile", profile)
        writer.field("encoding", encoding.rawValue)
        writer.field("rows", rows)
        writer.field("accepted", accepted)
        writer.field("duplicates", duplicates)
        for (name, issues) in [("rejected", rejected), ("warnings", warnings)] {
            writer.key(name)
            writer.beginArray()
            for issue in issues {
                writer.beginObject()
                writer.field("line", issue.line)
                writer.field("ticket", issue.ticket)
                writer.field("reason", issue.reason)
                writer.endObject()
            }
            writer.endArray()
        }
        if let rejectedCSVPath { writer.field("rejected_csv", rejectedCSVPath) }
        if includeIDs {
            writer.key("ids_by_line")
            writer.beginObject()
            for entry in idsByLine { writer.field(String(entry.line), entry.id) }
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }
}
