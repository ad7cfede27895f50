/// A worksheet of a workbook that holds its sheets one after another in one document (an
/// OpenDocument spreadsheet's `content.xml`, an XML Spreadsheet 2003). A later sheet is read on
/// from where the one before was left, so reading a workbook's sheets in tab order reads the
/// document once, not once a sheet (twelve times for a year kept a sheet a month); an earlier
/// sheet, or the same one again, is read from the document's start. The read of a sheet stops at
/// its end, not the document's.
final class SequentialSheet<Rows: SequencedSheetRecords>: WorkbookSheet {
    /// Hands the document's next piece to `feed`, and says how many of the file's bytes it took:
    /// 0 at the document's end.
    typealias Pull = (_ feed: (UnsafeRawBufferPointer) throws(WorkbookError) -> Void) throws(WorkbookError) -> Int

    /// A read of the document from its start.
    private let fromStart: () throws(WorkbookError) -> Pull
    /// A rows reader for a sheet, by its place in the document.
    private let rowsReader: (Int) -> Rows
    private var pull: Pull
    private var scanner = XMLScanner()
    private var rows: Rows
    private var atEnd = false

    init(
        sheet: Int, fromStart: @escaping () throws(WorkbookError) -> Pull, rows: @escaping (Int) -> Rows
    ) throws(WorkbookError) {
        self.fromStart = fromStart
        rowsReader = rows
        pull = try fromStart()
        self.rows = rows(sheet)
    }

    /// Opens sheets of one document by their place in it, the first one opened serving the others.
    static func opener(
        fromStart: @escaping () throws(WorkbookError) -> Pull, rows: @escaping (Int) -> Rows
    ) -> (Int) throws(WorkbookError) -> SequentialSheet {
        var reading: SequentialSheet?
        return { (sheet) throws(WorkbookError) in
            if let reading {
                try reading.read(sheet: sheet)
                return reading
            }
            let opened = try SequentialSheet(sheet: sheet, fromStart: fromStart, rows: rows)
            reading = opened
            return opened
        }
    }

    /// Reads `sheet` from its first row.
    func read(sheet: Int) throws(WorkbookError) {
        if sheet > rows.sequence.target {
            rows.completed = rows.sequence.advance(to: sheet)
        } else {
            pull = try fromStart()
            scanner = XMLScanner()
            rows = rowsReader(sheet)
            atEnd = false
        }
    }

    func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int {
        var consumed = 0
        if !atEnd && !rows.sequence.targetEnded {
            consumed = try pull { (bytes) throws(WorkbookError) in try scanner.feed(bytes, into: &rows) }
            atEnd = consumed == 0
        }
        for record in rows.completed { emit(record) }
        rows.completed.removeAll(keepingCapacity: true)
        return consumed
    }
}
