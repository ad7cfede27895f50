import ComplaintCore
import Foundation

/// Turns one worksheet of an XML Spreadsheet 2003 file (and later ones met, see
/// ``SheetSequence``) into records: one per `<Row>` that holds a value, its line the row's number
/// as Excel shows it (`ss:Index` where rows were skipped), its fields the cells' `<Data>` by
/// column (`ss:Index` and `ss:MergeAcross` place them).
struct Spreadsheet2003Rows: SequencedSheetRecords {
    /// The worksheet read (from 0 in file order), and where the file is among its worksheets.
    var sequence: SheetSequence
    let styles: [String: WorkbookStyles.NumberKind]
    let date1904: Bool
    var completed: [CSVRecord] = []

    private var rowNumber = 0
    /// Rows a `<Row ss:Span>` stands for after itself.
    private var span = 0
    private var fields: [String] = []
    private var hasValue = false
    private var rowHidden = false
    private var column = 0
    private var inCell = false
    private var merged = 0
    /// Rows below the cell it is merged down over (`ss:MergeDown`).
    private var mergedDown = 0
    private var merges = MergedDown()
    private var cellStyle: String?
    private var inComment = 0
    private var dataType: String?
    private var data = CellTextCollector()
    private var dataBytes = 0

    init(sheet: Int, styles: [String: WorkbookStyles.NumberKind], date1904: Bool) {
        sequence = SheetSequence(target: sheet)
        self.styles = styles
        self.date1904 = date1904
    }

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("Worksheet") {
            // Each sheet's rows are numbered from 1, nothing of the sheet before carried over.
            var fresh = Self(sheet: 0, styles: styles, date1904: date1904)
            fresh.sequence = sequence
            fresh.completed = completed
            self = fresh
            sequence.begin()
            return
        }
        guard sequence.readsRows else { return }
        if tag.is("Row") {
            rowNumber =
                try tag.attribute("Index").map { (text) throws(WorkbookError) in try Self.index(text, "row") }
                ?? rowNumber + 1
            span = tag.attribute("Span").flatMap { Int($0) }.map { max(0, min($0, 1 << 20)) } ?? 0
            fields = .nextRow(after: fields)
            hasValue = false
            rowHidden = XMLTag.isTrue(tag.attribute("Hidden"))
            column = 0
            merged = 0
            inCell = false
        } else if tag.is("Cell") {
            column =
                try tag.attribute("Index").map { (text) throws(WorkbookError) in try Self.index(text, "column") }
                ?? column + merged + 1
            guard column <= SheetRows.maxColumns else {
                throw .damaged("row \(rowNumber) has a cell past column XFD")
            }
            merged = tag.attribute("MergeAcross").flatMap { Int($0) }.map { max(0, min($0, SheetRows.maxColumns)) } ?? 0
            mergedDown = tag.attribute("MergeDown").flatMap { Int($0) }.map { max(0, min($0, 1 << 20)) } ?? 0
            cellStyle = tag.attribute("StyleID")
            inCell = true
            dataType = nil
        } else if tag.is("Comment") {
            inComment += 1
        } else if tag.is("Data"), inCell, inComment == 0 {
            dataType = tag.attribute("Type") ?? "String"
            data.reset()
            data.collecting = true
            dataBytes = 0
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        if XMLScanner.equal(name, "Worksheet") {
            sequence.end()
        } else if !sequence.readsRows {
            return
        } else if XMLScanner.equal(name, "Data") {
            data.collecting = false
        } else if XMLScanner.equal(name, "Comment") {
            inComment = max(inComment - 1, 0)
        } else if XMLScanner.equal(name, "Cell") {
            guard inCell else { return }
            inCell = false
            guard let dataType else { return }
            let text = cellText(dataType)
            guard !text.isEmpty else { return }
            if fields.count < column { fields.append(contentsOf: repeatElement("", count: column - fields.count)) }
            fields[column - 1] = text
            hasValue = true
            if mergedDown > 0 { merges.add(column: column - 1, line: rowNumber, lastLine: rowNumber + mergedDown) }
        } else if XMLScanner.equal(name, "Row") {
            if hasValue {
                let filled = merges.fill(&fields, line: rowNumber)
                sequence.keep(
                    .sheetRow(line: rowNumber, fields: fields, hidden: rowHidden, filledDown: filled), in: &completed)
            }
            hasValue = false
            rowNumber += span
            span = 0
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {
        // Held to just past a row's limit (rich text split by formatting tags is many pieces):
        // the row is then refused as too long, as in a CSV file.
        guard data.collecting, dataBytes <= CSVTokenizer.defaultMaxRecordBytes else { return }
        dataBytes += bytes.count
        data.add(bytes, cdata: cdata)
    }

    /// A cell's text by its data type: a string, a number read by the cell's style, an ISO date
    /// and time read by it too, a boolean, or an error such as `#N/A`.
    private func cellText(_ type: String) -> String {
        let text = data.decoded
        let kind = styles[cellStyle ?? "Default"] ?? styles["Default"] ?? .number
        switch type {
        case "Number":
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? "" : NumberCellText.text(trimmed, kind: kind, date1904: date1904)
        case "DateTime":
            guard let serial = Self.serial(text) else { return text }
            return NumberCellText.text(
                number: serial, kind: kind == .number ? .dateTime : kind, date1904: false)
        case "Boolean":
            return text == "1" ? "TRUE" : text == "0" ? "FALSE" : text
        default:
            return text
        }
    }

    /// `2026-11-03T08:15:02.000` as Excel's serial number (days from 1899-12-30, the time as the
    /// fraction). A time alone is written on Excel's day 0, `1899-12-31`: only its fraction.
    static func serial(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month),
            day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        var seconds = 0.0
        if bytes.count > 10 {
            guard bytes[10] == 0x54, let hour = number(11..<13), let minute = number(14..<16),
                let second = number(17..<19), hour < 24, minute < 60, second < 60
            else { return nil }
            seconds = Double(hour * 3600 + minute * 60 + second)
            if bytes.count > 20, bytes[19] == 0x2E, let fraction = Double("0" + String(text.dropFirst(19).prefix(10))) {
                seconds += fraction
            }
        }
        let isTimeAlone = (year == 1899 && month == 12 && (day == 31 || day == 30))
        let days = isTimeAlone ? 0 : CivilCalendar.days(year: year, month: month, day: day) + 25_569
        return Double(days) + seconds / 86_400
    }

    /// An `ss:Index`: 1-based, within a sheet's bounds.
    private static func index(_ text: String, _ what: String) throws(WorkbookError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1, value <= Int(Int32.max) else {
            throw .damaged("a \(what) is numbered \"\(text)\", which no sheet has")
        }
        return value
    }
}
