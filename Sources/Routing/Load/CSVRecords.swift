/// RFC 4180 records of a small CSV file (a rule table), each with the physical line it starts on.
///
/// Quoted fields may hold commas, quotes (`""`) and line breaks; CRLF and LF both end a record.
/// Rule tables are small, so the whole file is split at once.
struct CSVRecords {
    struct Record {
        /// 1-based physical line where the record starts (header = line 1), as spreadsheets number rows.
        var line: Int
        var fields: [String]
    }

    /// A quote left open at end of file: everything after `line` would silently become one field.
    struct UnterminatedQuote: Error {
        var line: Int
        var column: Int
    }

    /// The records of `text`. With a quote left open, the records before the one it opens in
    /// (those can be trusted and checked) and where it opens; the rest of the file is one field.
    static func parse(_ text: String) -> (records: [Record], unterminatedQuote: UnterminatedQuote?) {
        var records: [Record] = []
        var fields: [String] = []
        var field: [Character] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var quoteStart = (line: 1, column: 1)
        var atFieldStart = true
        var characters = text.makeIterator()
        var pending: Character? = nil

        func endField() {
            fields.append(String(field))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        func endRecord() {
            endField()
            records.append(Record(line: recordLine, fields: fields))
            // The record shares `fields`' buffer: keeping its capacity would make every later
            // record's array at least as large, and the capacity creeps up with the table's length.
            let count = fields.count
            fields = []
            fields.reserveCapacity(count)
        }

        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if character == "\n" || character == "\r\n" || character == "\r" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
                quoteStart = (line, fields.count + 1)
            case ",":
                endField()
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(character)
                atFieldStart = false
            }
        }
        if quoted { return (records, UnterminatedQuote(line: quoteStart.line, column: quoteStart.column)) }
        if !fields.isEmpty || !field.isEmpty { endRecord() }
        return (records, nil)
    }
}
