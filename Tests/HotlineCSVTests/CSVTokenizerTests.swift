import Testing

@testable import HotlineCSVAdapter

@Suite("CSV tokenizer")
struct CSVTokenizerTests {
    static let chunkSizes = [1, 2, 3, 7, 64, 1 << 16]

    @Test("quoted commas, doubled quotes, embedded newlines, CRLF and LF, trailing empty line", arguments: chunkSizes)
    func excelShapes(chunk: Int) throws {
        let file = utf8(
            "a,b,c\r\n"
                + "1,\"x, y\",\"he said \"\"hi\"\"\"\r\n"
                + "2,\"two\r\nlines\nthree\",z\n"
                + "3,,\r\n"
                + "\r\n")
        let records = try readRecords(file, chunk: chunk)
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(
            records.map(\.fields) == [
                ["a", "b", "c"], ["1", "x, y", "he said \"hi\""], ["2", "two\r\nlines\nthree", "z"], ["3", "", ""],
            ])
    }

    @Test("a last row without a line break and a lone CR terminator", arguments: chunkSizes)
    func lastRowAndLoneCR(chunk: Int) throws {
        let records = try readRecords(utf8("h1,h2\r1,2\r\n3,\"4\""), chunk: chunk)
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(records.map(\.fields) == [["h1", "h2"], ["1", "2"], ["3", "4"]])
    }

    @Test("an unterminated quote is reported on its line and the rows after it are still read", arguments: chunkSizes)
    func unterminatedQuoteResyncs(chunk: Int) throws {
        let file = utf8(
            "id,text,n\r\n"
                + "1,\"opened never closed,5\r\n"
                + "2,\"fine \"\"quoted\"\" text\",6\r\n"
                + "3,plain,7\r\n")
        let records = try readRecords(file, chunk: chunk)
        #expect(records.map(\.line) == [1, 2, 3, 4])
        // Split as staff read the line: the open quote is a character, the row keeps its width.
        #expect(records[1].kind == .unterminatedQuote(fields: ["1", "\"opened never closed", "5"]))
        #expect(records[2].kind == .fields(["2", "fine \"quoted\" text", "6"]))
        #expect(records[3].kind == .fields(["3", "plain", "7"]))
    }

    @Test(
        "an open quote running to the end of the file is reported and the lines after it are read",
        arguments: chunkSizes)
    func unterminatedQuoteAtEnd(chunk: Int) throws {
        let records = try readRecords(utf8("id,text\n1,\"never closed\n2,ok\n3,fine\n"), chunk: chunk)
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records[1].kind == .unterminatedQuote(fields: ["1", "\"never closed"]))
        #expect(records[2].fields == ["2", "ok"])
        #expect(records[3].fields == ["3", "fine"])
    }

    @Test("an open quote on the last line, with no line break after it")
    func openQuoteOnLastLine() throws {
        let records = try readRecords(utf8("id,text\n1,\"never"))
        #expect(records.last == CSVRecord(line: 2, kind: .unterminatedQuote(fields: ["1", "never"])))
    }

    @Test("text after a closing quote on the same line is kept, as Excel does")
    func textAfterClosingQuote() throws {
        let records = try readRecords(utf8("a,b\n\"x\"y,z\n"))
        #expect(records[1].fields == ["xy", "z"])
    }

    @Test("a backslash-escaped quote inside a quoted field (MySQL INTO OUTFILE) is a quote", arguments: chunkSizes)
    func backslashEscapedQuotes(chunk: Int) throws {
        let file = utf8(
            "a,b\n"
                + "1,\"他说\\\"太吵了\\\"，C:\\temp\"\n"
                // An escaped backslash before a closing quote, and a path ending in one: both close.
                + "2,\"x\\\\\",\"C:\\dir\\\"\n"
                // An even run before a quote with text after it is no escape: Excel's reading holds.
                + "3,\"a\\\\\"b\"\n"
                // An escaped quote right before the closing one, before a separator, a line end
                // and the end of the file; a backslash then a doubled quote with text after it.
                + "4,\"他说\\\"好\\\"\",\"\\\"\"\r\n"
                + "5,\"a\\\"\"b\"\n"
                + "6,\"说\\\"好\\\"\"")
        let records = try readRecords(file, chunk: chunk)
        #expect(
            records.map(\.fields) == [
                ["a", "b"], ["1", "他说\"太吵了\"，C:\\temp"], ["2", "x\\\\", "C:\\dir\\"], ["3", "a\\\\b\""],
                ["4", "他说\"好\"", "\""], ["5", "a\\\"b"], ["6", "说\"好\""],
            ])
    }

    @Test(
        "a line break in a cell counts once whatever it is (CRLF, LF, lone CR), like the rows' own",
        arguments: chunkSizes)
    func lineBreaksInCells(chunk: Int) throws {
        for lineBreak in ["\r\n", "\n", "\r"] {
            let file = utf8(
                ["a,b", "1,\"x\(lineBreak)y\"", "2,\"p\(lineBreak)\(lineBreak)q\"", "3,z", ""].joined(
                    separator: lineBreak))
            let records = try readRecords(file, chunk: chunk)
            #expect(records.map(\.line) == [1, 2, 4, 7], "\(lineBreak.debugDescription)")
            #expect(
                records.dropFirst().map(\.fields) == [
                    ["1", "x\(lineBreak)y"], ["2", "p\(lineBreak)\(lineBreak)q"], ["3", "z"],
                ])
        }
        // A quote never closed: reading resumes on the line after the cell's first line break.
        for lineBreak in ["\r\n", "\r"] {
            let file = utf8(["a,b", "1,\"x\(lineBreak)2,y\"z", "3,w", ""].joined(separator: lineBreak))
            let records = try readRecords(file, chunk: chunk)
            #expect(records.map(\.line) == [1, 2, 3, 4], "\(lineBreak.debugDescription)")
        }
    }

    @Test("an oversized record is reported and reading goes on")
    func oversizedRecord() throws {
        let reader = try CSVFileReader(encoding: .utf8, maxRecordBytes: 16)
        var records: [CSVRecord] = []
        let text = "a,b\n" + String(repeating: "x", count: 40) + ",1\n2,3\n"
        for byte in utf8(text) { [byte].withUnsafeBytes { reader.feed($0) { records.append($0) } } }
        reader.finish { records.append($0) }
        #expect(records.count == 3)
        guard case .oversized(_, let limit) = records[1].kind else {
            Issue.record("expected an oversized record, got \(records[1].kind)")
            return
        }
        #expect(limit == 16)
        #expect(records[2] == CSVRecord(line: 3, kind: .fields(["2", "3"])))
    }
}

@Suite("CSV tokenizer: the fields of a line whose quote never closes")
struct LenientFieldsTests {
    @Test("closed quoted fields read as usual; the open quote is a character; the file's separator splits")
    func splitsAsStaffReadIt() {
        func fields(_ line: String, _ separator: Character = ",") -> [String] {
            CSVTokenizer.lenientFields(ArraySlice(Array(line.utf8)), separator: separator.asciiValue!)
        }
        #expect(
            fields("GD6,\"a,b\",\"噪音扰民,临平区星光街835号,ZX1142,47\r\n") == [
                "GD6", "a,b", "\"噪音扰民", "临平区星光街835号", "ZX1142", "47",
            ])
        #expect(fields("GD6;\"x\"\"y\";\"open;z;", ";") == ["GD6", "x\"y", "\"open", "z", ""])
        #expect(fields("") == [""])
    }
}
