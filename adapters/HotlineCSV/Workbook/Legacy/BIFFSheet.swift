/// An Excel 97–2003 worksheet's cell records turned into records: one per row that holds a
/// value, its line the row's number as Excel shows it, its fields the cells' text by column.
///
/// Excel and the other writers store a sheet's cells row by row, left to right, so a row is
/// complete when a cell of a later row comes; a sheet stored otherwise is refused, not guessed.
final class BIFFSheet: WorkbookSheet {
    private let records: BIFFRecords
    private let globals: BIFFGlobals
    private let sheetStart: Int
    private var rowNumber = 0
    private var fields: [String] = []
    private var completed: [CSVRecord] = []
    private var merges: MergedDown
    /// Rows (by line) their ROW record says are hidden. The ROW records of a block of rows come
    /// before its cells; an entry is taken out when its row completes (at most 65,536 rows).
    private var hiddenRows: Set<Int> = []
    /// Substreams open: the sheet's own, and a chart's embedded in it, whose records are not cells.
    private var depth = 0
    /// A formula whose text result is in the STRING record after it.
    private var formulaCell: (row: Int, column: Int)?
    private var finished = false
    /// The bytes the steps so far said they read.
    private var counted = 0

    init(records: BIFFRecords, globals: BIFFGlobals, merges: MergedDown) {
        self.records = records
        self.globals = globals
        self.merges = merges
        sheetStart = records.offset
    }

    /// The stream's bytes from the sheet's start on: what reading it counts as progress.
    var bytesToRead: Int { max(records.size - sheetStart, 0) }

    func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int {
        guard !finished else { return 0 }
        let from = records.offset
        while records.offset - from < BIFFRecords.blockSize {
            guard let record = try records.next() else {
                throw .damaged("its worksheet ends without its end record (cut short?)")
            }
            try read(record)
            if depth == 0 {
                completeRow()
                finished = true
                break
            }
        }
        for record in completed { emit(record) }
        completed.removeAll(keepingCapacity: true)
        // The last step also counts the stream's bytes after the sheet: all add up to the file.
        let read = finished ? max(bytesToRead - counted, 1) : records.offset - from
        counted += read
        return read
    }

    private func read(_ record: BIFFRecords.Record) throws(WorkbookError) {
        let body = record.body
        switch record.type {
        case BIFFRecords.Record.bof:
            depth += 1
            return
        case BIFFRecords.Record.eof:
            depth -= 1
            return
        default:
            guard depth == 1 else { return }
        }
        switch record.type {
        case BIFFRecords.Record.labelSST where body.count >= 10:
            let index = body.uint32(at: 6)
            guard let text = try globals.strings?.string(at: index) else {
                throw .damaged("row \(body.uint16(at: 0) + 1) names shared string \(index), which the workbook lacks")
            }
            try set(body, text)
        case BIFFRecords.Record.label where body.count >= 9, BIFFRecords.Record.richString where body.count >= 9:
            var cursor = BIFFStringCursor(Array(body[6...]))
            try set(body, try globals.text(&cursor, lengthBytes: 2))
        case BIFFRecords.Record.number where body.count >= 14:
            try set(body, number(Self.double(body, at: 6), style: body.uint16(at: 4)))
        case BIFFRecords.Record.rk where body.count >= 10:
            try set(body, number(Self.rk(body.uint32(at: 6)), style: body.uint16(at: 4)))
        case BIFFRecords.Record.multipleRK where body.count >= 12:
            // Row, first column, then a style and a value per column, then the last column.
            let count = (body.count - 6) / 6
            for index in 0..<count {
                let at = 4 + index * 6
                try set(
                    row: body.uint16(at: 0), column: body.uint16(at: 2) + index,
                    number(Self.rk(body.uint32(at: at + 2)), style: body.uint16(at: at)))
            }
        case BIFFRecords.Record.boolOrError where body.count >= 8:
            try set(body, body[7] == 0 ? (body[6] == 0 ? "FALSE" : "TRUE") : Self.error(body[6]))
        case BIFFRecords.Record.formula where body.count >= 14:
            try formula(body)
        case BIFFRecords.Record.row where body.count >= 14:
            // Options after row, columns, height and two reserved words: bit 5 (fDyZero) hides it.
            if body.uint16(at: 12) & 0x20 != 0 { hiddenRows.insert(body.uint16(at: 0) + 1) }
        case BIFFRecords.Record.string:
            guard let cell = formulaCell else { return }
            formulaCell = nil
            var cursor = BIFFStringCursor(body) { () throws(WorkbookError) in try self.records.continuation() }
            try set(row: cell.row, column: cell.column, try globals.text(&cursor, lengthBytes: 2))
        default:
            break
        }
    }

    /// A formula's cached result: a number, or (marked by 0xFFFF in its last two bytes) a text in
    /// the STRING record that follows, a boolean, an error or empty text.
    private func formula(_ body: [UInt8]) throws(WorkbookError) {
        guard body[12] == 0xFF && body[13] == 0xFF else {
            try set(body, number(Self.double(body, at: 6), style: body.uint16(at: 4)))
            return
        }
        switch body[6] {
        case 0: formulaCell = (body.uint16(at: 0), body.uint16(at: 2))
        case 1: try set(body, body[8] == 0 ? "FALSE" : "TRUE")
        case 2: try set(body, Self.error(body[8]))
        default: break
        }
    }

    private func number(_ value: Double, style: Int) -> String {
        NumberCellText.text(number: value, kind: globals.styles.kind(ofStyle: style), date1904: globals.date1904)
    }

    private func set(_ body: [UInt8], _ text: String) throws(WorkbookError) {
        try set(row: body.uint16(at: 0), column: body.uint16(at: 2), text)
    }

    private func completeRow() {
        let hidden = hiddenRows.remove(rowNumber) != nil
        guard !fields.isEmpty else { return }
        let filled = merges.fill(&fields, line: rowNumber)
        completed.append(.sheetRow(line: rowNumber, fields: fields, hidden: hidden, filledDown: filled))
    }

    /// Sets the cell at zero-based `row` and `column`, completing the row before when `row` is later.
    private func set(row: Int, column: Int, _ text: String) throws(WorkbookError) {
        let line = row + 1
        if line != rowNumber {
            guard line > rowNumber else {
                throw .unsupported(
                    "its cells are not stored row by row (a cell of row \(line) comes after row \(rowNumber))")
            }
            completeRow()
            fields = .nextRow(after: fields)
            rowNumber = line
        }
        guard !text.isEmpty else { return }
        guard column < SheetRows.maxColumns else { throw .damaged("row \(line) has a cell past column XFD") }
        if fields.count <= column { fields.append(contentsOf: repeatElement("", count: column + 1 - fields.count)) }
        fields[column] = text
    }

    private static func double(_ body: [UInt8], at index: Int) -> Double {
        Double(bitPattern: UInt64(body.uint32(at: index)) | UInt64(body.uint32(at: index + 4)) << 32)
    }

    /// An "RK" number: 30 bits of an integer or of a double's high half, maybe × 100.
    static func rk(_ value: Int) -> Double {
        let bits = UInt32(truncatingIfNeeded: value)
        let number =
            bits & 0x02 != 0
            ? Double(Int32(bitPattern: bits) >> 2) : Double(bitPattern: UInt64(bits & 0xFFFF_FFFC) << 32)
        return bits & 0x01 != 0 ? number / 100 : number
    }

    /// An error value as Excel shows it.
    static func error(_ code: UInt8) -> String {
        switch code {
        case 0x00: "#NULL!"
        case 0x07: "#DIV/0!"
        case 0x0F: "#VALUE!"
        case 0x17: "#REF!"
        case 0x1D: "#NAME?"
        case 0x24: "#NUM!"
        case 0x2A: "#N/A"
        default: "#ERROR!"
        }
    }
}
