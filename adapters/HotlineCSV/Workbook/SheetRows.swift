/// Turns a worksheet's XML (`xl/worksheets/sheet1.xml`) into records: one per `<row>` that
/// holds a value, its line the row's number as Excel shows it, its fields the cells' text by
/// column (a cell Excel did not store is empty).
struct SheetRows: SheetRecords {
    let strings: SharedStrings?
    let styles: WorkbookStyles
    let date1904: Bool
    /// Rows completed since the last time they were taken.
    var completed: [CSVRecord] = []
    /// The sheet's merged ranges, listed before its rows are read.
    var merges = MergedDown()

    private var inSheetData = false
    private var rowNumber = 0
    private var fields: [String] = []
    private var hasValue = false
    private var rowHidden = false
    private var cellColumn = 0
    /// Inside a `<c>`: a stray `</c>` (a damaged sheet) sets no cell.
    private var inCell = false
    private var cellType = ""
    private var cellStyle: Int?
    private var value = CellTextCollector()
    private var inlineText = CellTextCollector()
    private var inInline = false
    private var phonetic = 0

    /// Excel's limits: 1,048,576 rows of 16,384 columns.
    static let maxColumns = 16_384

    init(strings: SharedStrings?, styles: WorkbookStyles, date1904: Bool) {
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
    }

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("sheetData") {
            inSheetData = true
        } else if !inSheetData {
            return
        } else if tag.is("row") {
            // A row without its number follows the one before.
            rowNumber = tag.attribute("r").flatMap { Int($0) } ?? rowNumber + 1
            guard rowNumber >= 1 && rowNumber <= Int(Int32.max) else {
                throw .damaged("a row is numbered \(rowNumber), which no sheet has")
            }
            fields = .nextRow(after: fields)
            hasValue = false
            rowHidden = XMLTag.isTrue(tag.attribute("hidden"))
            cellColumn = 0
            // A cell left open by a damaged row ends with it: its `</c>` in the next row sets nothing.
            inCell = false
        } else if tag.is("c") {
            cellColumn = try tag.attribute("r").map(Self.column(ofReference:)) ?? cellColumn + 1
            guard cellColumn <= Self.maxColumns else { throw .damaged("row \(rowNumber) has a cell past column XFD") }
            inCell = true
            cellType = tag.attribute("t") ?? "n"
            cellStyle = tag.attribute("s").flatMap { Int($0) }
            value.reset()
            inlineText.reset()
        } else if tag.is("v") {
            value.collecting = true
        } else if tag.is("is") {
            inInline = true
        } else if tag.is("rPh") {
            phonetic += 1
        } else if tag.is("t"), inInline, phonetic == 0 {
            inlineText.collecting = true
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        guard inSheetData else { return }
        if XMLScanner.equal(name, "v") {
            value.collecting = false
        } else if XMLScanner.equal(name, "t") {
            inlineText.collecting = false
        } else if XMLScanner.equal(name, "rPh") {
            phonetic = max(phonetic - 1, 0)
        } else if XMLScanner.equal(name, "is") {
            inInline = false
        } else if XMLScanner.equal(name, "c") {
            guard inCell else { return }
            inCell = false
            let text = try cellText()
            guard !text.isEmpty else { return }
            if fields.count < cellColumn {
                fields.append(contentsOf: repeatElement("", count: cellColumn - fields.count))
            }
            fields[cellColumn - 1] = text
            hasValue = true
        } else if XMLScanner.equal(name, "row") {
            guard hasValue else { return }
            let filled = merges.fill(&fields, line: rowNumber)
            completed.append(.sheetRow(line: rowNumber, fields: fields, hidden: rowHidden, filledDown: filled))
        } else if XMLScanner.equal(name, "sheetData") {
            inSheetData = false
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {
        value.add(bytes, cdata: cdata)
        inlineText.add(bytes, cdata: cdata)
    }

    /// The cell's text by its type: a shared string's index, inline text, a formula's cached
    /// text, a boolean, an error such as `#N/A`, an ISO date, or a number read by its style.
    private func cellText() throws(WorkbookError) -> String {
        switch cellType {
        case "s":
            let text = value.value
            guard let index = Int(text.trimmingSpaces) else { return "" }
            guard let string = try strings?.string(at: index) else {
                throw .damaged("row \(rowNumber) names shared string \(index), which the workbook lacks")
            }
            return string
        case "inlineStr": return inlineText.value
        case "str", "e": return value.value
        case "b": return value.value == "1" ? "TRUE" : value.value == "0" ? "FALSE" : value.value
        case "d":
            // Strict OOXML's ISO 8601 date cell: `2026-11-03T08:15:02` read as a local time.
            var text = value.value.replacingFirst("T", with: " ")
            if text.hasSuffix("Z") { text.removeLast() }
            return text
        default:
            let text = value.value.trimmingSpaces
            return text.isEmpty
                ? "" : NumberCellText.text(text, kind: styles.kind(ofStyle: cellStyle), date1904: date1904)
        }
    }

    /// `AB12` → 28: the column letters of a cell reference.
    static func column(ofReference reference: String) throws(WorkbookError) -> Int {
        var column = 0
        for byte in reference.utf8 {
            let upper = byte & ~0x20
            guard upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(upper - UInt8(ascii: "A")) + 1
            guard column <= maxColumns else { throw .damaged("cell \(reference) lies past column XFD") }
        }
        guard column > 0 else { throw .damaged("a cell's reference \"\(reference)\" names no column") }
        return column
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        // Nearly every value has no space at either end: told by its bytes, without Characters.
        let ends = (utf8.first, utf8.last)
        if let first = ends.0, let last = ends.1, first > 0x20, last > 0x20, first < 0x80, last < 0x80 { return self }
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }

    fileprivate func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let found = firstIndex(of: target) else { return self }
        return String(self[..<found]) + replacement + String(self[index(after: found)...])
    }
}
