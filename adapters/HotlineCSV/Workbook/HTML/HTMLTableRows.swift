import Foundation

/// The rows of the HTML table many systems save as their "Excel export" (a web page under an
/// `.xls` name, which Excel opens as a sheet): each `<tr>` a row, each `<td>` or `<th>` a cell,
/// read from UTF-8 bytes a piece at a time.
///
/// Read as Excel reads it: a cell's text with its runs of spaces and line ends made one space
/// and its ends trimmed, `<br>` a line break within the cell, entities decoded, a cell spanning
/// columns or rows (`colspan`, `rowspan`) taking them (its text in the first; the cells of the
/// rows below move right past it, as Excel merges them, and a cell spanning rows carries its
/// text down into them, see `MergedDown`); comments, `<style>` and `<script>`
/// are no text. Line numbers count every `<tr>`, as the rows Excel would show; a `<tr>` styled
/// `display:none` is a hidden row.
struct HTMLTableRows {
    /// Rows completed since the last time they were taken.
    var completed: [CSVRecord] = []
    /// The `<tr>`s met so far.
    private(set) var rowCount = 0
    private var pending: [UInt8] = []
    private var fields: [String] = []
    private var inRow = false
    /// The row's `<tr>` hides it (`style="display:none"`, as Excel saves a hidden row as a page).
    private var rowHidden = false
    private var cell: [UInt8]?
    private var span = 1
    private var rowSpan = 1
    /// By column: how many more rows (this one included) a cell above spans into it.
    private var covered: [Int] = []
    /// The text of cells spanning rows, carried into the rows below (see `MergedDown`).
    private var merges = MergedDown()
    /// Inside `<style>` or `<script>`: the end tag that ends it.
    private var rawUntil: [UInt8]?

    /// A tag or comment longer than this is not one a table export writes: read as damage.
    static let maxTag = 1 << 20

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        pending.append(contentsOf: bytes)
        var at = 0
        defer { pending.removeFirst(at) }
        while at < pending.count {
            if let end = rawUntil {
                guard let found = Self.find(end, in: pending, from: at, ignoringCase: true) else {
                    // Keep only what could be the start of the end tag.
                    at = max(at, pending.count - end.count)
                    return
                }
                rawUntil = nil
                at = found
                continue
            }
            guard pending[at] == UInt8(ascii: "<") else {
                let next = pending[(at + 1)...].firstIndex(of: UInt8(ascii: "<")) ?? pending.count
                addText(pending[at..<next])
                at = next
                continue
            }
            // A `<` that starts no tag (`a < b` in a sloppy page) is text, as a browser reads it.
            guard at + 1 < pending.count else { return }
            let next = pending[at + 1]
            guard
                next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z") || next == UInt8(ascii: "/")
                    || next == UInt8(ascii: "!") || next == UInt8(ascii: "?")
            else {
                addText(pending[at...at])
                at += 1
                continue
            }
            if Self.starts(pending, at, "<!--") {
                guard let close = Self.find(Array("-->".utf8), in: pending, from: at + 4, ignoringCase: false) else {
                    try keepWaiting(from: at)
                    return
                }
                at = close + 3
                continue
            }
            guard let close = pending[at...].firstIndex(of: UInt8(ascii: ">")) else {
                try keepWaiting(from: at)
                return
            }
            tag(pending[(at + 1)..<close])
            at = close + 1
        }
    }

    mutating func finish() {
        endRow()
    }

    /// A cell's text, kept to just past the row limit: a longer cell makes its row too long
    /// (rejected at its line, as a CSV row would be) without being held whole.
    private mutating func addText(_ bytes: ArraySlice<UInt8>) {
        guard let count = cell?.count, count <= CSVTokenizer.defaultMaxRecordBytes else { return }
        cell?.append(contentsOf: bytes.prefix(CSVTokenizer.defaultMaxRecordBytes + 1 - count))
    }

    private func keepWaiting(from at: Int) throws(WorkbookError) {
        guard pending.count - at <= Self.maxTag else {
            throw .damaged("a tag or comment runs on for more than \(Self.maxTag) bytes")
        }
    }

    private mutating func tag(_ body: ArraySlice<UInt8>) {
        let closing = body.first == UInt8(ascii: "/")
        let name = body.dropFirst(closing ? 1 : 0).prefix { !Self.isSpace($0) && $0 != UInt8(ascii: "/") }
        guard name.count <= 6 else { return }
        let lowered = String(decoding: name.map { $0 | 0x20 }, as: UTF8.self)
        switch (lowered, closing) {
        case ("tr", false):
            endRow()
            inRow = true
            rowCount += 1
            rowHidden = Self.hides(body)
        case ("tr", true):
            endRow()
        case ("table", _):
            endRow()
            covered.removeAll()
            merges = MergedDown()
        case ("td", false), ("th", false):
            if !inRow {
                // A cell outside any `<tr>` (a sloppy export): its own row.
                inRow = true
                rowCount += 1
            }
            endCell()
            cell = []
            span = Self.span("colspan", body, limit: Self.maxColumns)
            rowSpan = Self.span("rowspan", body, limit: Self.maxRowSpan)
        case ("td", true), ("th", true):
            endCell()
        case ("br", _):
            cell?.append(Self.lineBreak)
        case ("p", true), ("div", true):
            if let text = cell, !text.isEmpty { cell?.append(Self.lineBreak) }
        case ("style", false), ("script", false):
            if body.last != UInt8(ascii: "/") { rawUntil = Array("</\(lowered)".utf8) }
        default:
            break
        }
    }

    private mutating func endCell() {
        guard let bytes = cell else { return }
        cell = nil
        defer {
            span = 1
            rowSpan = 1
        }
        skipCovered()
        guard fields.count < Self.maxColumns else { return }
        let first = fields.count
        fields.append(Self.cellText(bytes))
        fields.append(contentsOf: repeatElement("", count: min(span - 1, Self.maxColumns - fields.count)))
        if rowSpan > 1 {
            if covered.count < fields.count {
                covered.append(contentsOf: repeatElement(0, count: fields.count - covered.count))
            }
            for column in first..<fields.count { covered[column] = max(covered[column], rowSpan) }
            merges.add(column: first, line: rowCount, lastLine: rowCount + rowSpan - 1)
        }
    }

    /// Moves past the columns a cell of a row above spans into.
    private mutating func skipCovered() {
        while fields.count < min(covered.count, Self.maxColumns) && covered[fields.count] > 0 { fields.append("") }
    }

    private mutating func endRow() {
        endCell()
        guard inRow else { return }
        inRow = false
        defer { rowHidden = false }
        for column in covered.indices where covered[column] > 0 { covered[column] -= 1 }
        if fields.contains(where: { !$0.isEmpty }) {
            let filled = merges.fill(&fields, line: rowCount)
            while fields.last?.isEmpty == true { fields.removeLast() }
            completed.append(.sheetRow(line: rowCount, fields: fields, hidden: rowHidden, filledDown: filled))
        }
        fields = .nextRow(after: fields)
    }

    static let maxColumns = 16_384
    /// A `rowspan` past a sheet's rows spans to its end.
    static let maxRowSpan = 1_048_576
    /// A `<br>` in a cell's bytes: 0xFF is no byte of UTF-8 text, unlike the line ends of the
    /// page's source, which are white space.
    static let lineBreak: UInt8 = 0xFF

    /// A cell's text as Excel shows it: entities decoded, each run of white space one space
    /// (a `<br>`'s line break kept), the ends trimmed.
    static func cellText(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var space = false
        var at = 0
        func add(_ byte: UInt8) {
            if space && !out.isEmpty && out.last != 0x0A && byte != 0x0A { out.append(0x20) }
            space = false
            out.append(byte)
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte == lineBreak {
                add(0x0A)
                at += 1
            } else if isSpace(byte) {
                space = true
                at += 1
            } else if byte == UInt8(ascii: "&"), let (decoded, length) = entity(bytes, at) {
                for scalar in decoded.unicodeScalars {
                    // A no-break space is a space in the sheet.
                    if scalar == "\u{A0}" { space = true } else { for unit in UTF8.encode(scalar)! { add(unit) } }
                }
                at += length
            } else {
                add(byte)
                at += 1
            }
        }
        while out.last == 0x0A || out.last == 0x20 { out.removeLast() }
        while out.first == 0x0A { out.removeFirst() }
        return String(decoding: out, as: UTF8.self)
    }

    /// The entity at `at` (`&amp;`, `&nbsp;`, `&#21495;`, `&#x53F7;`) and its length; nil for
    /// an `&` that starts none.
    static func entity(_ bytes: [UInt8], _ at: Int) -> (String, Int)? {
        guard let semicolon = bytes[at..<min(bytes.count, at + 12)].firstIndex(of: UInt8(ascii: ";")) else {
            return nil
        }
        let name = String(decoding: bytes[(at + 1)..<semicolon], as: UTF8.self)
        let length = semicolon - at + 1
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return ("\u{FFFD}", length) }
            return (String(Character(scalar)), length)
        }
        let named: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "yen": "¥", "copy": "©",
            "middot": "·", "times": "×", "mdash": "—", "ndash": "–", "ldquo": "“", "rdquo": "”", "hellip": "…",
        ]
        return named[name.lowercased()].map { ($0, length) }
    }

    /// Whether a tag's style hides it: `display:none` (any case, spaces around the colon).
    static func hides(_ body: ArraySlice<UInt8>) -> Bool {
        guard body.count < 4_096 else { return false }
        let squeezed = String(decoding: body.filter { !isSpace($0) }, as: UTF8.self).lowercased()
        return squeezed.contains("display:none")
    }

    /// `colspan="3"` (or `rowspan`) among a tag's attributes, at most `limit`; 1 when absent or unreadable.
    static func span(_ attribute: String, _ body: ArraySlice<UInt8>, limit: Int) -> Int {
        let text = String(decoding: body, as: UTF8.self).lowercased()
        guard let range = text.range(of: attribute) else { return 1 }
        let digits = text[range.upperBound...].drop { $0 == "=" || $0 == "\"" || $0 == "'" || $0 == " " }.prefix {
            $0.isASCII && $0.isNumber
        }
        return max(1, min(Int(digits) ?? 1, limit))
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    static func starts(_ bytes: [UInt8], _ at: Int, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return bytes.count - at >= needle.count && bytes[at..<(at + needle.count)].elementsEqual(needle)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int, ignoringCase: Bool) -> Int? {
        guard bytes.count - start >= needle.count else { return nil }
        for at in start...(bytes.count - needle.count) {
            var matched = true
            for (offset, byte) in needle.enumerated() {
                let other = bytes[at + offset]
                if other != byte && !(ignoringCase && other | 0x20 == byte | 0x20) {
                    matched = false
                    break
                }
            }
            if matched { return at }
        }
        return nil
    }
}
