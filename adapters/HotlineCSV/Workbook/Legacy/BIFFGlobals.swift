/// What an Excel 97–2003 workbook says before its sheets: the sheets (name, visibility, where
/// each starts), the shared strings the cells name by number, the cell styles' number formats
/// (which tell a date from a number) and the date system. An Excel 5.0/95 workbook (BIFF5) says
/// the same but for the shared strings, its text in its code page.
struct BIFFGlobals {
    struct Sheet {
        var name: String
        var offset: Int
        var visible: Bool
    }

    /// The worksheets in tab order (chart and macro sheets are left out).
    private(set) var sheets: [Sheet] = []
    private(set) var strings: SharedStrings?
    private(set) var styles = WorkbookStyles()
    private(set) var date1904 = false
    /// An Excel 5.0/95 workbook's code page; nil for BIFF8, whose text is Unicode.
    private(set) var codePage: Transcoder?
    /// How the stream's records are encrypted, when Excel saved it with its built-in password.
    private(set) var decryption: BIFFDecryption?

    /// Reads the workbook globals from the start of the stream in `records`, the shared strings
    /// spilling into `spillDirectory`.
    init(_ records: BIFFRecords, spillDirectory: String) throws(WorkbookError) {
        guard let first = try records.next(), first.type == BIFFRecords.Record.bof, first.body.count >= 4 else {
            throw .unsupported("it is an Excel 2.x–4.0 workbook, or its workbook stream is damaged")
        }
        switch first.body.uint16(at: 0) {
        case 0x0600: break
        case 0x0500: codePage = try BIFFCodePage.decoder(1252)
        default: throw .unsupported("it is an Excel workbook older than Excel 5.0, which is not read here")
        }
        var formats: [Int] = []
        var custom: [Int: String] = [:]
        while let record = try records.next() {
            let body = record.body
            switch record.type {
            case BIFFRecords.Record.eof:
                styles = WorkbookStyles(formats: formats, custom: custom)
                return
            case BIFFRecords.Record.filePass:
                guard codePage == nil, let found = BIFFDecryption(filePass: body) else {
                    throw .savedWithPassword
                }
                decryption = found
                records.decryption = found
            case BIFFRecords.Record.dateMode where body.count >= 2:
                date1904 = body.uint16(at: 0) == 1
            case BIFFRecords.Record.codePage where body.count >= 2 && codePage != nil:
                codePage = try BIFFCodePage.decoder(body.uint16(at: 0))
            case BIFFRecords.Record.format where body.count >= 4:
                var cursor = BIFFStringCursor(Array(body[2...]))
                custom[body.uint16(at: 0)] = try text(&cursor, lengthBytes: codePage == nil ? 2 : 1)
            case BIFFRecords.Record.extendedFormat where body.count >= 4:
                formats.append(body.uint16(at: 2))
            case BIFFRecords.Record.boundSheet where body.count >= 8:
                // Type 0 is a worksheet (1 a macro sheet, 2 a chart, 6 a Visual Basic module).
                guard body[5] == 0 else { continue }
                var cursor = BIFFStringCursor(Array(body[6...]))
                sheets.append(
                    Sheet(
                        name: try text(&cursor, lengthBytes: 1), offset: body.uint32(at: 0),
                        visible: body[4] & 0x03 == 0))
            case BIFFRecords.Record.sharedStrings where body.count >= 8:
                let table = try SharedStrings(spillDirectory: spillDirectory)
                var cursor = BIFFStringCursor(Array(body[8...])) { () throws(WorkbookError) in
                    try records.continuation()
                }
                // The count is the file's word: the strings end where the records do.
                let count = body.uint32(at: 4)
                while table.count < count, try !cursor.atEnd() { try table.append(try cursor.string(lengthBytes: 2)) }
                try table.finish()
                strings = table
            default:
                break
            }
        }
        throw .damaged("its workbook stream ends before its sheets (cut short?)")
    }

    /// A string in the workbook's text: BIFF8's Unicode string, or a BIFF5 string's length and
    /// its bytes in the code page.
    func text(_ cursor: inout BIFFStringCursor, lengthBytes: Int) throws(WorkbookError) -> String {
        guard let codePage else { return try cursor.string(lengthBytes: lengthBytes) }
        let count = lengthBytes == 1 ? try cursor.byte() : try cursor.uint16()
        return String(decoding: codePage.convert(try cursor.bytes(count)), as: UTF8.self)
    }
}
