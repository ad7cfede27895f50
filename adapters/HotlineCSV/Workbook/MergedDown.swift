/// Cells merged down a column (Excel's and Calc's Merge Cells, a web page's `rowspan`): the
/// sheet shows the first cell's text across the rows below, but stores it in the first row only.
///
/// Call-centre sheets merge a column where calls share a value (the day, the type, the place).
/// Staff read each row with it, and would fill it down by hand before an import; so each row
/// below that has values of its own is read with that text in the merged column, and its record
/// says so for the import report. A cell merged across a row keeps its text in its first column
/// only, as Excel saves it to CSV. A covered cell that still holds text (a generator's file, or
/// Calc keeping hidden contents) keeps it: nothing written is overwritten.
struct MergedDown {
    struct Span {
        /// The merged range's first column, from 0.
        var column: Int
        var firstLine: Int
        var lastLine: Int
        /// The first cell's text, once its row is read.
        var text: String?
    }

    /// Spans listed before the rows are read (an .xlsx or .xls stores its list after the cells,
    /// read first), by first line.
    private var listed: [Span] = []
    private var nextListed = 0
    /// Spans whose first row has been reached and whose last has not been passed.
    private var open: [Span] = []

    /// More merged ranges than this is no call log's: the rest are read as stored.
    static let maxSpans = 1 << 18

    init() {}

    /// Spans from a list read before the rows.
    init(listed spans: [Span]) {
        listed = spans.filter { $0.lastLine > $0.firstLine }.sorted { $0.firstLine < $1.firstLine }
    }

    /// A span met in a row as it is read (Calc's, XML 2003's or a web page's), from `line` down
    /// to `lastLine`; its text is taken when the row ends.
    mutating func add(column: Int, line: Int, lastLine: Int) {
        guard lastLine > line else { return }
        open(Span(column: column, firstLine: line, lastLine: lastLine))
    }

    private mutating func open(_ span: Span) {
        // A column holds one merged range at a time: a later one replaces one left open (only
        // a damaged list overlaps them).
        open.removeAll { $0.column == span.column }
        guard open.count < Self.maxSpans else { return }
        open.append(span)
    }

    /// Ends the row at `line`, which has values of its own: takes the text of the spans it
    /// begins, and fills the empty cells of the spans over it.
    /// - Returns: Whether a cell was filled.
    mutating func fill(_ fields: inout [String], line: Int) -> Bool {
        while nextListed < listed.count && listed[nextListed].firstLine <= line {
            // A span whose first row held nothing has no text to carry down.
            if listed[nextListed].firstLine == line { open(listed[nextListed]) }
            nextListed += 1
        }
        guard !open.isEmpty else { return false }
        var filled = false
        var index = 0
        while index < open.count {
            let span = open[index]
            if span.firstLine == line {
                guard span.column < fields.count, !fields[span.column].isEmpty else {
                    open.remove(at: index)
                    continue
                }
                open[index].text = fields[span.column]
            } else if let text = span.text, span.firstLine < line, line <= span.lastLine {
                if fields.count <= span.column {
                    fields.append(contentsOf: repeatElement("", count: span.column + 1 - fields.count))
                }
                if fields[span.column].isEmpty {
                    fields[span.column] = text
                    filled = true
                }
            }
            if span.lastLine <= line || span.text == nil && span.firstLine < line {
                open.remove(at: index)
            } else {
                index += 1
            }
        }
        return filled
    }
}
