import HotlineCSVAdapter

/// The lines of a workbook's call rows that its sheet hides, as ranges for the import report.
///
/// Excel hides the rows an AutoFilter leaves out, and staff hide rows by hand; saving the file
/// keeps them. They are imported (a complaint is never dropped because of how a sheet was last
/// viewed), and one warning says which they were, in case the filter was meant to choose.
struct HiddenRows {
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

    /// The report's warning, at the first hidden row's line; nil when no row was hidden.
    var warning: ImportReport.RowIssue? {
        guard let first = ranges.first else { return nil }
        let named = ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
        let more = ranges.reduce(0) { $0 + $1.count } < count ? ", …" : ""
        let rows = count == 1 ? "1 row" : "\(count) rows"
        return ImportReport.RowIssue(
            line: first.lowerBound, ticket: nil,
            reason: "\(rows) hidden in the worksheet (filtered out or hidden by hand; "
                + "line\(count == 1 ? "" : "s") \(named.joined(separator: ", "))\(more)) "
                + "read like the others: to leave calls out, delete their rows rather than hide them")
    }
}
