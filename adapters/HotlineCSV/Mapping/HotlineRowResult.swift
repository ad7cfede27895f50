import ComplaintCore

/// What one data row of a call log became.
public enum HotlineRowResult: Sendable {
    /// A draft record (no id, routing or ingest time yet) with the row's warnings.
    case accepted(HotlineRow)
    /// Not taken: the reason, and the row's fields so it can be sent back to be fixed.
    case rejected(HotlineRejection)
    /// Every field empty (Excel writes such rows for formatted cells): not a row.
    case blank
    /// A totals row a spreadsheet adds below the calls (`合计：1,024条`, `Total`): not a call.
    /// `text` is what it says.
    case summary(line: Int, text: String)
    /// A note under the table (`制表人：张三`, `导出时间：2026-11-03 10:00`): not a call. `text`
    /// is what it says.
    case footnote(line: Int, text: String)
    /// The header row again, as two exports joined into one file (`copy /b a.csv+b.csv`, `cat`)
    /// carry it: not a call.
    case repeatedHeader(line: Int)
    /// A first call row wider than the header: kept until a later row shows the file's width,
    /// then handed back by ``HotlineRowMapper/release(before:)``.
    case held
}

/// A row taken into a draft record.
public struct HotlineRow: Sendable {
    public var line: Int
    public var ticket: String
    public var draft: Complaint
    public var warnings: [String]
    /// The fields as read, for the rejected-rows file should the store refuse it (duplicate in file).
    public var fields: [String]
    /// The worksheet the row is on, by its index among those an import reads (0 for a CSV).
    public var sheet = 0
}

/// A row not taken.
public struct HotlineRejection: Sendable, Hashable {
    public var line: Int
    public var ticket: String?
    public var reason: String
    public var fields: [String]
    /// The row's width was what was wrong (too few or too many fields, a quote never closed): the
    /// rejected-rows file gives its fields as they were sent, neither padded nor cut, so a row
    /// sent back unfixed is refused again rather than taken shifted.
    public var keepsShape: Bool
    /// The worksheet the row is on, by its index among those an import reads (0 for a CSV).
    public var sheet = 0

    public init(line: Int, ticket: String?, reason: String, fields: [String], keepsShape: Bool = false) {
        self.line = line
        self.ticket = ticket
        self.reason = reason
        self.fields = fields
        self.keepsShape = keepsShape
    }
}
