/// Turns an OpenDocument spreadsheet's `content.xml` (.ods, as LibreOffice Calc and WPS save
/// it) into records: the rows of one table (and of later ones met, see ``SheetSequence``), each
/// line the row's number as Calc shows it, its fields the cells' values by column.
///
/// A cell's value is read from its typed attributes, not from the text Calc displays: a number
/// keeps its digits whatever its format, a date is `2026-11-03 08:15:02`. Runs of rows or cells
/// Calc stores once with a repeat count are spread out; a comment on a cell is not its text.
struct OpenDocumentRows: SequencedSheetRecords {
    /// The table read (its place among the document's tables, from 0), and where the document is.
    var sequence: SheetSequence
    var completed: [CSVRecord] = []

    private var tableDepth = 0
    private var rowNumber = 0
    private var rowRepeat = 1
    private var fields: [String] = []
    private var hasValue = false
    private var rowHidden = false
    private var column = 0
    private var inCell = false
    private var cellRepeat = 1
    /// Rows the cell is merged down over, itself included.
    private var cellRowSpan = 1
    private var merges = MergedDown()
    /// The value read from the cell's attributes; nil for a text cell, read from its paragraphs.
    private var cellValue: String?
    /// A date cell whose value has no time of day.
    private var dateOnly = false
    private var text = CellTextCollector()
    private var paragraphs = 0
    private var inParagraph = false
    private var annotation = 0

    /// Calc's largest sheet (a "jumbo" sheet) and widest row.
    static let maxRows = 16_777_216
    static let maxColumns = 16_384
    /// Copies of one row with values Calc may store as a run: more is no call log's.
    static let maxRepeatedRows = 10_000

    init(tableIndex: Int) { sequence = SheetSequence(target: tableIndex) }

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("table") {
            tableDepth += 1
            // Only a spreadsheet's own tables count; one inside a cell (a text document's) does not.
            if tableDepth == 1 { beginTable() }
            return
        }
        guard tableDepth == 1, sequence.readsRows else { return }
        if tag.is("table-row") {
            rowRepeat = try Self.count(tag.attribute("number-rows-repeated"), "a row")
            // `collapse` (hidden) or `filter` (filtered out); `visible` is the default.
            rowHidden = (tag.attribute("visibility") ?? "visible") != "visible"
            fields = .nextRow(after: fields)
            hasValue = false
            column = 0
            inCell = false
        } else if tag.is("table-cell") || tag.is("covered-table-cell") {
            inCell = true
            cellRepeat = try Self.count(tag.attribute("number-columns-repeated"), "a cell")
            cellRowSpan =
                tag.attribute("number-rows-spanned").flatMap { Int($0) }.map { min(max($0, 1), Self.maxRows) } ?? 1
            cellValue = Self.value(of: tag)
            dateOnly = tag.attribute("value-type") == "date" && cellValue?.contains(" ") == false
            text.reset()
            paragraphs = 0
        } else if !inCell {
            return
        } else if tag.is("annotation") {
            annotation += 1
            text.collecting = false
        } else if annotation > 0 {
            return
        } else if tag.is("p") || tag.is("h") {
            inParagraph = true
            text.collecting = true
            if paragraphs > 0 { text.append("\n") }
            paragraphs += 1
        } else if tag.is("s") {
            let spaces = tag.attribute("c").flatMap { Int($0) } ?? 1
            text.append(String(repeating: " ", count: min(max(spaces, 1), 32_767)))
        } else if tag.is("tab") {
            text.append("\t")
        } else if tag.is("line-break") {
            text.append("\n")
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        if XMLScanner.equal(name, "table") {
            tableDepth = max(tableDepth - 1, 0)
            if tableDepth == 0 { sequence.end() }
            return
        }
        guard tableDepth == 1, sequence.readsRows else { return }
        if XMLScanner.equal(name, "table-cell") || XMLScanner.equal(name, "covered-table-cell") {
            guard inCell else { return }
            inCell = false
            try endCell()
        } else if XMLScanner.equal(name, "table-row") {
            try endRow()
        } else if XMLScanner.equal(name, "annotation") {
            annotation = max(annotation - 1, 0)
            text.collecting = annotation == 0 && inParagraph
        } else if annotation == 0 && (XMLScanner.equal(name, "p") || XMLScanner.equal(name, "h")) {
            inParagraph = false
            text.collecting = false
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {
        text.add(bytes, cdata: cdata)
    }

    /// A table begins: its rows are numbered from 1, nothing of the table before carried over.
    private mutating func beginTable() {
        var fresh = Self(tableIndex: 0)
        fresh.sequence = sequence
        fresh.completed = completed
        fresh.tableDepth = tableDepth
        self = fresh
        sequence.begin()
    }

    private mutating func endCell() throws(WorkbookError) {
        var value = cellValue ?? text.decoded
        // Calc writes a date-time at midnight without its time (`2026-11-01`) though its format
        // shows one (`2026-11-01 00:00:00`): a call at midnight keeps its time, as displayed.
        if dateOnly && text.decoded.contains(":") { value += " 00:00:00" }
        let first = column
        column = min(column + cellRepeat, Int(Int32.max))
        guard !value.isEmpty else { return }
        if cellRowSpan > 1 { merges.add(column: first, line: rowNumber + 1, lastLine: rowNumber + cellRowSpan) }
        guard column <= Self.maxColumns else {
            throw .damaged("row \(rowNumber + 1) has a value past column \(Self.maxColumns)")
        }
        if fields.count < first { fields.append(contentsOf: repeatElement("", count: first - fields.count)) }
        fields.append(contentsOf: repeatElement(value, count: cellRepeat))
        hasValue = true
    }

    private mutating func endRow() throws(WorkbookError) {
        let first = rowNumber + 1
        rowNumber = min(rowNumber + rowRepeat, Int(Int32.max))
        guard hasValue else { return }
        guard rowNumber <= Self.maxRows else { throw .damaged("it has a row with values past row \(Self.maxRows)") }
        guard rowRepeat <= Self.maxRepeatedRows else {
            throw .damaged("row \(first) is repeated \(rowRepeat) times over")
        }
        for line in first...rowNumber {
            var row = fields
            let filled = merges.fill(&row, line: line)
            sequence.keep(.sheetRow(line: line, fields: row, hidden: rowHidden, filledDown: filled), in: &completed)
        }
    }

    /// A repeat count: absent is once.
    private static func count(_ attribute: String?, _ what: String) throws(WorkbookError) -> Int {
        guard let attribute else { return 1 }
        guard let count = Int(attribute), count >= 1 else {
            throw .damaged("\(what) is repeated \"\(attribute)\" times")
        }
        return count
    }

    /// The cell's value by its type, as the call log means it; nil for text (and an error's
    /// `#DIV/0!`), read from the cell's paragraphs.
    static func value(of tag: XMLTag) -> String? {
        switch tag.attribute("value-type") {
        case "float", "percentage", "currency":
            guard let written = tag.attribute("value") else { return nil }
            guard let number = Double(written), number.isFinite else { return written }
            return NumberCellText.general(number)
        case "date":
            return tag.attribute("date-value").map(dateText)
        case "time":
            return tag.attribute("time-value").map(timeText)
        case "boolean":
            return tag.attribute("boolean-value").map { $0 == "true" || $0 == "1" ? "TRUE" : "FALSE" }
        case "string":
            // An error's formula cell has an empty one; its paragraph shows the error.
            return tag.attribute("string-value").flatMap { $0.isEmpty ? nil : $0 }
        default:
            return nil
        }
    }

    /// `2026-11-03T08:15:02.250` → `2026-11-03 08:15:02`: whole seconds, as Calc shows them.
    static func dateText(_ value: String) -> String {
        var text = Substring(value)
        if let dot = text.firstIndex(of: ".") { text = text[..<dot] }
        if text.hasSuffix("Z") { text = text.dropLast() }
        return String(text.map { $0 == "T" ? " " : $0 })
    }

    /// ISO 8601 duration `PT08H15M02S` (a time of day or a call's length) → `08:15:02`; one of
    /// more than a day keeps its hours (`PT26H00M00S` → `26:00:00`). Unreadable: as written.
    static func timeText(_ value: String) -> String {
        let negative = value.hasPrefix("-")
        guard value.dropFirst(negative ? 1 : 0).hasPrefix("P") else { return value }
        var hours = 0
        var minutes = 0
        var seconds = 0.0
        var number = ""
        var inTime = false
        for character in value.dropFirst(negative ? 2 : 1) {
            switch character {
            case "0"..."9", ".": number.append(character)
            case "T": inTime = true
            case "D" where !inTime: hours += (Int(number) ?? 0) * 24
            case "H": hours += Int(number) ?? 0
            case "M" where inTime: minutes = Int(number) ?? 0
            case "S": seconds = Double(number) ?? 0
            default: return value
            }
            if !("0"..."9").contains(character) && character != "." { number = "" }
        }
        let total = hours * 3600 + minutes * 60 + Int(seconds.rounded())
        let two = NumberCellText.two
        return "\(negative ? "-" : "")\(two(total / 3600)):\(two(total / 60 % 60)):\(two(total % 60))"
    }
}
