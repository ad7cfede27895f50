/// A worksheet's rows as its XML is read: Excel's `<row>`s or OpenDocument's `<table:table-row>`s.
protocol SheetRecords: XMLScannerHandler {
    /// Rows completed since the last time they were taken.
    var completed: [CSVRecord] { get set }
}

/// Feeds the worksheet part's bytes through one scanner into whichever rows reader the file's
/// format needs, so ``WorkbookReader`` reads both formats alike.
protocol SheetFeeding: AnyObject {
    func feed(_ bytes: UnsafeRawBufferPointer) throws(WorkbookError)
    func finish() throws(WorkbookError)
    func take(_ emit: (CSVRecord) -> Void)
}

final class SheetFeed<Rows: SheetRecords>: SheetFeeding {
    private var scanner = XMLScanner()
    private var rows: Rows

    init(_ rows: Rows) { self.rows = rows }

    func feed(_ bytes: UnsafeRawBufferPointer) throws(WorkbookError) { try scanner.feed(bytes, into: &rows) }

    func finish() throws(WorkbookError) { try scanner.finish() }

    func take(_ emit: (CSVRecord) -> Void) {
        for record in rows.completed { emit(record) }
        rows.completed.removeAll(keepingCapacity: true)
    }
}
