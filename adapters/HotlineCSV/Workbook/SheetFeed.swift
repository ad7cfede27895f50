/// A worksheet's rows as its XML is read: Excel's `<row>`s or OpenDocument's `<table:table-row>`s.
protocol SheetRecords: XMLScannerHandler {
    /// Rows completed since the last time they were taken.
    var completed: [CSVRecord] { get set }
}

/// The sheet a ``WorkbookReader`` reads, whatever the file's format.
protocol WorkbookSheet: AnyObject {
    /// Reads the next piece of the sheet and hands over the rows it completes.
    /// - Returns: The file's bytes consumed (for progress), 0 once the sheet is read.
    func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int
}

/// A zipped workbook's sheet: its XML part inflated a piece at a time into the rows reader.
final class ZippedSheet: WorkbookSheet {
    private let part: ZipMemberStream
    private let feed: any SheetFeeding

    init(_ part: ZipMemberStream, _ feed: any SheetFeeding) {
        self.part = part
        self.feed = feed
    }

    func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int {
        let consumed = try part.next { (bytes) throws(WorkbookError) in try feed.feed(bytes) }
        if consumed == 0 { try feed.finish() }
        feed.take(emit)
        return consumed
    }
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

extension Array where Element == String {
    /// The fields array for a sheet's next row: a new one the size of the last row's, not the old
    /// one emptied. That one went out with the last record, and emptying keeps its capacity, so
    /// one very wide row would make every later row's array as wide (and the rows waiting for a
    /// commit hold them).
    static func nextRow(after last: [String]) -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(last.count)
        return fields
    }
}

extension CSVRecord {
    /// A worksheet row as a record, held to the CSV reader's limit on a row's size: a few bytes
    /// of XML can stand for a long row (one long string named by 16,384 cells, a cell repeated
    /// across the sheet), which is rejected as a CSV row of that size would be.
    static func sheetRow(line: Int, fields: [String], hidden: Bool = false, filledDown: Bool = false) -> CSVRecord {
        let limit = CSVTokenizer.defaultMaxRecordBytes
        var size = 0
        for (index, field) in fields.enumerated() {
            size += field.utf8.count + 1
            if size > limit {
                return CSVRecord(
                    line: line, kind: .oversized(fields: Array(fields[..<index]), limit: limit), hidden: hidden,
                    filledDown: filledDown)
            }
        }
        return CSVRecord(line: line, kind: .fields(fields), hidden: hidden, filledDown: filledDown)
    }
}
