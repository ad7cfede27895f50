import Foundation

/// An "XML Spreadsheet 2003" file: one XML document for the whole workbook, as Excel 2002–2003
/// saved it and as many systems still export it (often named `.xls`, or `.xml`). Its worksheets
/// read a piece of the file at a time, in the file's character set.
enum Spreadsheet2003Sheet {
    /// The file's shown worksheets, by their order, its outline (sheets, styles) read once.
    /// `head` is the file's first bytes, which ``isSpreadsheet(_:)`` was given: its declaration is
    /// among them.
    static func open(
        file: Int32, fileSize: Int, head: [UInt8]
    ) throws(WorkbookError) -> WorkbookReader.Opener {
        let (charset, start) = encoding(head)
        func text() throws(WorkbookError) -> TextFileChunks {
            try TextFileChunks(
                file: file, fileSize: fileSize, from: start, charset: charset, unsupported: "its XML's character set")
        }
        var outline = Spreadsheet2003Outline()
        var chunks = try text()
        var scanner = XMLScanner()
        while !chunks.atEnd {
            let text = try chunks.next()
            try text.withUnsafeBufferPointer { (bytes) throws(WorkbookError) in
                try scanner.feed(UnsafeRawBufferPointer(bytes), into: &outline)
            }
        }
        // Whatever follows the closed root (padding some systems add) is passed over.
        guard outline.complete else { throw .damaged("its XML ends before the workbook does: the file is cut short") }
        let sheets = outline.sheets
        guard !sheets.isEmpty else { throw .damaged("its XML spreadsheet has no worksheet") }
        // One read of the file serves every sheet after the first (see ``SequentialSheet``).
        let read = SequentialSheet.opener(
            fromStart: { () throws(WorkbookError) in
                var chunks = try text()
                // The bytes counted so far: a byte-order mark passed over among them.
                var counted = 0
                return { (feed) throws(WorkbookError) in
                    guard !chunks.atEnd else { return 0 }
                    let text = try chunks.next()
                    try text.withUnsafeBufferPointer { (bytes) throws(WorkbookError) in
                        try feed(UnsafeRawBufferPointer(bytes))
                    }
                    defer { counted = chunks.offset }
                    return chunks.offset - counted
                }
            }, rows: { Spreadsheet2003Rows(sheet: $0, styles: outline.styles, date1904: outline.date1904) })
        return { (order) throws(WorkbookError) in
            let choice = try WorkbookReader.chosenSheet(sheets.map(\.visible), order: order)
            let chosen = choice.index
            let sheet = try read(chosen)
            return (
                sheets[chosen].name, sheets.indices.filter { $0 != chosen }.map { sheets[$0].name }, sheet, 0,
                choice.shown.map { sheets[$0].name }
            )
        }
    }

    /// Whether `prefix`, a file's first bytes, begin an XML spreadsheet: an XML document (or its
    /// root element) that names Excel's `progid` or the spreadsheet namespace, in UTF-8 or UTF-16.
    static func isSpreadsheet(_ prefix: [UInt8]) -> Bool {
        let (charset, start) = encoding(prefix)
        // UTF-16's ASCII is its every other byte: the zero bytes dropped, the markup is ASCII.
        let ascii = charset.hasPrefix("UTF-16") ? prefix[start...].filter { $0 != 0 } : Array(prefix[start...])
        let text = String(decoding: ascii.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        let body = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard body.hasPrefix("<?xml") || body.hasPrefix("<workbook") || body.hasPrefix("<ss:workbook") else {
            return false
        }
        return text.contains("progid=\"excel.sheet\"") || text.contains("urn:schemas-microsoft-com:office:spreadsheet")
    }

    /// The file's character set (an iconv name) and where its text begins, past a byte-order mark:
    /// the mark, else the XML declaration's `encoding`, else UTF-8 as XML has it.
    static func encoding(_ head: [UInt8]) -> (charset: String, start: Int) {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if head.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if head.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if head.count >= 2, head[0] == 0x3C, head[1] == 0 { return ("UTF-16LE", 0) }
        if head.count >= 2, head[0] == 0, head[1] == 0x3C { return ("UTF-16BE", 0) }
        let declaration = head.prefix { $0 != UInt8(ascii: ">") }
        let text = String(decoding: declaration.map { $0 >= 0x80 ? 0x3F : $0 }, as: UTF8.self)
        guard text.hasPrefix("<?xml"), let range = text.range(of: "encoding="),
            let name = TextFileChunks.charset(declaredAt: text[range.upperBound...])
        else { return ("UTF-8", 0) }
        // A declared UTF-16 in a file of single bytes is what .NET's string writers produce for
        // text then saved as UTF-8.
        return (name.hasPrefix("UTF-16") || name == "UNICODE" ? "UTF-8" : name, 0)
    }
}
