/// One record of a CSV file as the tokenizer saw it, with the physical line where it starts.
public struct CSVRecord: Sendable, Hashable {
    /// What the tokenizer made of the record's bytes.
    public enum Kind: Sendable, Hashable {
        /// A well-formed record: its fields, unquoted and unescaped.
        case fields([String])
        /// A quoted field never closed properly. `fields` is the record's first physical line read
        /// leniently (the open quote runs to the end of that line), so it can still be shown and fixed.
        case unterminatedQuote(fields: [String])
        /// The record is longer than the reader's limit; `fields` holds what was read before the limit.
        case oversized(fields: [String], limit: Int)
    }

    /// The physical line (1-based, the header is line 1) where the record starts.
    public var line: Int
    public var kind: Kind
    /// A workbook's row hidden in its sheet: filtered out by an AutoFilter, or hidden by hand.
    /// Read like any other (a hidden call is still a call); the import report names such rows.
    public var hidden: Bool
    /// A workbook's row with a cell merged down into it from a row above: read with that cell's
    /// text, as the sheet shows it (see `MergedDown`); the import report names such rows.
    public var filledDown: Bool

    public init(line: Int, kind: Kind, hidden: Bool = false, filledDown: Bool = false) {
        self.line = line
        self.kind = kind
        self.hidden = hidden
        self.filledDown = filledDown
    }

    /// The fields, whatever the kind.
    public var fields: [String] {
        switch kind {
        case .fields(let fields), .unterminatedQuote(let fields), .oversized(let fields, _): fields
        }
    }
}
