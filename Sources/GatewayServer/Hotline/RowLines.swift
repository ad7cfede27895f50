import HotlineCSVAdapter

/// The lines of call rows a workbook's sheet marks (hidden, or filled from a merged cell), as
/// ranges for one import report warning each.
struct RowLines {
    private(set) var count = 0
    /// The first ranges met, in file order; the rest are only counted.
    private var ranges: [ClosedRange<Int>] = []
    static let rangesNamed = 10

    mutating func add(_ line: Int) {
        count += 1
        if let last = ranges.last, last.upperBound + 1 == line {
            ranges[ranges.count - 1] = last.lowerBound...line
        } else if ranges.count < Self.rangesNamed {
            ranges.append(line...line)
        }
    }

    /// The warning, at the first line; nil when no line was added. `reason` is given `3 rows`
    /// and `lines 3–5, 9`.
    func warning(_ reason: (_ rows: String, _ lines: String) -> String) -> ImportReport.RowIssue? {
        guard let first = ranges.first else { return nil }
        let named = ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
        let more = ranges.reduce(0) { $0 + $1.count } < count ? ", …" : ""
        return ImportReport.RowIssue(
            line: first.lowerBound, ticket: nil,
            reason: reason(
                count == 1 ? "1 row" : "\(count) rows",
                "line\(count == 1 ? "" : "s") \(named.joined(separator: ", "))\(more)"))
    }

    /// Rows hidden in the sheet. Excel hides the rows an AutoFilter leaves out, and staff hide
    /// rows by hand; saving the file keeps them. They are imported (a complaint is never dropped
    /// because of how a sheet was last viewed), and the warning says which, in case the filter
    /// was meant to choose.
    var hiddenWarning: ImportReport.RowIssue? {
        warning { rows, lines in
            "\(rows) hidden in the worksheet (filtered out or hidden by hand; \(lines)) "
                + "read like the others: to leave calls out, delete their rows rather than hide them"
        }
    }

    /// Rows under a cell merged down a column, read with its text, as the sheet shows them.
    var mergedWarning: ImportReport.RowIssue? {
        warning { rows, lines in
            "\(rows) under cells merged down a column (\(lines)) read with the merged cell's text "
                + "in that column, as the sheet shows them"
        }
    }
}
