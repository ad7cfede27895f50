/// A streaming, byte-level CSV tokenizer: RFC 4180 plus what Excel really writes.
///
/// Feed it UTF-8 in chunks of any size; it calls back with each record and the physical line
/// where the record starts. Quoted fields may hold commas, doubled quotes and line breaks;
/// records end with CRLF, LF or a lone CR; a blank line (the trailing empty line included) is
/// no record. Memory stays bounded by the longest record (``maxRecordBytes``), whatever the file.
///
/// A quote that is never closed would swallow the rest of the file. When a quoted field that
/// spans a line break turns out to be malformed (text right after its closing quote, the end of
/// the file, or the record outgrowing the limit), the record is reported as
/// ``CSVRecord/Kind/unterminatedQuote(fields:)`` and reading resumes on the line after the
/// quote's first line break, so every row after it is still read.
///
/// A quote after an odd run of backslashes inside a quoted field, with text rather than a
/// separator or line end after it (`"他说\"好\"吗"`), is an escaped quote (MySQL's `INTO
/// OUTFILE`, Python's `csv` with `escapechar`): the backslash gives way to the quote. So is one
/// right before the closing quote (`"他说\"好\""`). Nothing else about backslashes changes
/// (`C:\temp` in an Excel file is a path, and so is `"C:\报告\"`).
public struct CSVTokenizer {
    /// The default bound on one record's bytes: well above Excel's 32,767 characters per cell.
    public static let defaultMaxRecordBytes = 1 << 20

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: closes it, or starts a doubled quote.
        case quoteSeen
        /// A second quote after a backslash-escaped one (`\""`): the escaped quote and the closing
        /// one when a separator or line end follows, else a backslash and a doubled quote.
        case escapedQuoteSeen
        /// Skipping the rest of an oversized record's line.
        case discarding
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The most bytes one record may take.
    public let maxRecordBytes: Int
    private let separator: UInt8
    private var state = State.fieldStart
    /// A CR ended the last record; an LF right after it belongs to the same line break.
    private var skipLineFeed = false
    /// The physical line of the next byte.
    private var line = 1
    private var recordLine = 1
    private var fieldBytes: [UInt8] = []
    private var fields: [String] = []
    /// Bytes of the current record that came in earlier chunks (kept to re-read after a bad quote).
    private var carried: [UInt8] = []
    /// The last byte of a quoted field's text read in the previous chunk was a CR: an LF that
    /// starts this chunk completes that line break.
    private var quotedCarriageReturn = false
    /// The first line break inside a quoted field of this record: offset just after it, and its next line.
    private var quoteBreak: (offset: Int, line: Int)?

    /// Creates a tokenizer.
    /// - Parameters:
    ///   - separator: The field separator byte (`,`).
    ///   - maxRecordBytes: The most bytes one record may take before it is reported as oversized.
    public init(separator: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = CSVTokenizer.defaultMaxRecordBytes) {
        self.separator = separator
        self.maxRecordBytes = maxRecordBytes
        fieldBytes.reserveCapacity(1024)
        fields.reserveCapacity(16)
    }

    /// Reads a chunk; calls `emit` for every record completed in it.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) -> Void) {
        // The limit is checked where a piece ends, so pieces never run past the byte that makes the
        // record in progress oversized: the same file gives the same records however it is chunked.
        var start = 0
        while start < bytes.count {
            let left = bytes.count - start
            let room = max(maxRecordBytes - carried.count, 0)
            let take = state == .discarding || room >= left ? left : room + 1
            scan(UnsafeBufferPointer(rebasing: bytes[start..<start + take]), emit)
            start += take
        }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) -> Void) {
        let count = bytes.count
        var index = 0
        var recordStart = 0
        scan: while index < count {
            if skipLineFeed {
                skipLineFeed = false
                if bytes[index] == Self.lineFeed {
                    index += 1
                    recordStart = index
                    continue
                }
            }
            switch state {
            case .fieldStart, .unquoted:
                if state == .fieldStart && bytes[index] == Self.quote {
                    state = .quoted
                    index += 1
                    continue
                }
                var end = index
                while end < count {
                    let byte = bytes[end]
                    if byte == separator || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    end += 1
                }
                if end == count {
                    fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    state = .unquoted
                    index = end
                    break scan
                }
                if fieldBytes.isEmpty {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self))
                } else {
                    fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    endField()
                }
                index = end + 1
                if bytes[end] == separator {
                    state = .fieldStart
                } else {
                    endRecord(terminator: bytes[end], emit)
                    recordStart = index
                }
            case .quoted:
                var end = index
                while end < count {
                    let byte = bytes[end]
                    if byte == Self.quote { break }
                    if byte == Self.carriageReturn {
                        // A line break in a cell, as the rows' own breaks are: CRLF, LF or a lone CR.
                        line += 1
                        if quoteBreak == nil { quoteBreak = (carried.count + end + 1 - recordStart, line) }
                    } else if byte == Self.lineFeed {
                        let offset = carried.count + end + 1 - recordStart
                        if end > index ? bytes[end - 1] == Self.carriageReturn : quotedCarriageReturn {
                            // The LF of a CRLF counted at its CR: a break found there ends after it.
                            if quoteBreak?.offset == offset - 1 { quoteBreak?.offset = offset }
                        } else {
                            line += 1
                            if quoteBreak == nil { quoteBreak = (offset, line) }
                        }
                    }
                    end += 1
                }
                fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                if end == count {
                    if end > index { quotedCarriageReturn = bytes[end - 1] == Self.carriageReturn }
                    index = end
                    break scan
                }
                quotedCarriageReturn = false
                index = end
                state = .quoteSeen
                index += 1
            case .quoteSeen:
                let byte = bytes[index]
                if byte == Self.quote {
                    state = Self.endsInEscape(fieldBytes) ? .escapedQuoteSeen : .quoted
                    if state == .quoted { fieldBytes.append(Self.quote) }
                    index += 1
                } else if byte == separator {
                    endField()
                    state = .fieldStart
                    index += 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    endField()
                    index += 1
                    endRecord(terminator: byte, emit)
                    recordStart = index
                } else if Self.endsInEscape(fieldBytes) {
                    // `\"` then more text: a quote escaped with a backslash, as MySQL's
                    // `SELECT … INTO OUTFILE` writes it. Read as RFC 4180, the quote would end
                    // the field early and the rest of its text would lose its quotes.
                    fieldBytes[fieldBytes.count - 1] = Self.quote
                    state = .quoted
                } else if let lineBreak = quoteBreak {
                    var record = carried
                    record.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[recordStart..<index]))
                    resync(record, at: lineBreak, emit)
                    recordStart = index
                } else {
                    // `"abc"def` on one line: Excel keeps the text; so do we.
                    state = .unquoted
                }
            case .escapedQuoteSeen:
                let byte = bytes[index]
                if byte == separator || byte == Self.lineFeed || byte == Self.carriageReturn {
                    fieldBytes[fieldBytes.count - 1] = Self.quote
                    state = .quoteSeen
                } else {
                    fieldBytes.append(Self.quote)
                    state = .quoted
                }
            case .discarding:
                var end = index
                while end < count && bytes[end] != Self.lineFeed { end += 1 }
                index = end
                if end == count { break scan }
                index += 1
                line += 1
                resetRecord()
                recordStart = index
            }
        }
        if state != .discarding {
            carried.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[recordStart..<count]))
            if carried.count > maxRecordBytes { handleOversized(emit) }
        }
    }

    /// Whether `field` ends in an odd number of backslashes: the last one escapes what follows.
    private static func endsInEscape(_ field: [UInt8]) -> Bool {
        var count = 0
        for byte in field.reversed() {
            guard byte == UInt8(ascii: "\\") else { break }
            count += 1
        }
        return count % 2 == 1
    }

    /// Reads a chunk held in an array.
    public mutating func feed(_ bytes: [UInt8], _ emit: (CSVRecord) -> Void) {
        bytes.withUnsafeBufferPointer { feed($0, emit) }
    }

    /// Ends the input: emits a last record without a line break, or reports an open quote.
    public mutating func finish(_ emit: (CSVRecord) -> Void) {
        skipLineFeed = false
        switch state {
        case .discarding:
            return
        case .fieldStart where fields.isEmpty && fieldBytes.isEmpty:
            return
        case .quoted:
            if let lineBreak = quoteBreak {
                resync(carried, at: lineBreak, emit)
                finish(emit)
            } else {
                endField()
                emit(CSVRecord(line: recordLine, kind: .unterminatedQuote(fields: fields)))
                resetRecord()
            }
        case .escapedQuoteSeen:
            fieldBytes[fieldBytes.count - 1] = Self.quote
            endField()
            emitRecord(emit)
            resetRecord()
        case .fieldStart, .unquoted, .quoteSeen:
            endField()
            emitRecord(emit)
            resetRecord()
        }
    }

    private mutating func endField() {
        fields.append(String(decoding: fieldBytes, as: UTF8.self))
        fieldBytes.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(terminator: UInt8, _ emit: (CSVRecord) -> Void) {
        emitRecord(emit)
        line += 1
        skipLineFeed = terminator == Self.carriageReturn
        resetRecord()
    }

    private func emitRecord(_ emit: (CSVRecord) -> Void) {
        // A blank line is no record: Excel and scripts leave one at the end.
        if fields.count == 1 && fields[0].isEmpty { return }
        emit(CSVRecord(line: recordLine, kind: .fields(fields)))
    }

    private mutating func resetRecord() {
        // The record just emitted shares `fields`' buffer, so the next record needs a new one.
        // Size it by the last record's field count, not by the old buffer's capacity:
        // `removeAll(keepingCapacity:)` on a shared buffer allocates one at least as large, and the
        // allocator's rounding (capacity is read back from the block's usable size) made that
        // capacity creep up with every record. Every row in flight then held an array of hundreds
        // of slots for its 9 fields, and peak memory grew with the file's length.
        let fieldCount = fields.count
        fields = []
        fields.reserveCapacity(max(fieldCount, 1))
        fieldBytes.removeAll(keepingCapacity: true)
        carried.removeAll(keepingCapacity: true)
        quoteBreak = nil
        quotedCarriageReturn = false
        state = .fieldStart
        recordLine = line
    }

    /// Reports the record whose quote broke, then re-reads from the line after the quote's first line break.
    private mutating func resync(_ record: [UInt8], at lineBreak: (offset: Int, line: Int), _ emit: (CSVRecord) -> Void)
    {
        emit(
            CSVRecord(
                line: recordLine,
                kind: .unterminatedQuote(fields: Self.lenientFields(record[..<lineBreak.offset], separator: separator)))
        )
        let tail = Array(record[lineBreak.offset...])
        resetRecord()
        line = lineBreak.line
        recordLine = line
        feed(tail, emit)
    }

    private mutating func handleOversized(_ emit: (CSVRecord) -> Void) {
        if state == .quoted || state == .quoteSeen || state == .escapedQuoteSeen, let lineBreak = quoteBreak {
            let record = carried
            carried.removeAll()
            resync(record, at: lineBreak, emit)
            return
        }
        if !fieldBytes.isEmpty { endField() }
        emit(CSVRecord(line: recordLine, kind: .oversized(fields: fields, limit: maxRecordBytes)))
        resetRecord()
        // An oversized record's remainder is skipped up to the next line break.
        state = .discarding
    }

    /// One physical line whose quote never closes, split as staff would read it: quoted fields
    /// that do close are read as usual, and the quote that does not is an ordinary character, its
    /// field ending at the next separator. (Letting the open quote run to the line's end would
    /// merge the rest of the row into one field, and send it back that way in the rejected rows.)
    static func lenientFields(_ bytes: ArraySlice<UInt8>, separator: UInt8) -> [String] {
        var line = bytes
        while let last = line.last, last == lineFeed || last == carriageReturn { line = line.dropLast() }
        let end = line.endIndex
        func nextSeparator(_ from: Int) -> Int { line[from...].firstIndex(of: separator) ?? end }
        var fields: [String] = []
        var index = line.startIndex
        while true {
            var field: [UInt8] = []
            var closed = false
            if index < end, line[index] == quote {
                var scan = index + 1
                while scan < end {
                    if line[scan] == quote {
                        if scan + 1 < end, line[scan + 1] == quote {
                            field.append(quote)
                            scan += 2
                            continue
                        }
                        if scan + 1 == end || line[scan + 1] == separator {
                            closed = true
                            scan += 1
                            break
                        }
                    }
                    field.append(line[scan])
                    scan += 1
                }
                if closed { index = scan }
            }
            if !closed {
                let stop = nextSeparator(index)
                field = Array(line[index..<stop])
                index = stop
            }
            fields.append(String(decoding: field, as: UTF8.self))
            guard index < end else { break }
            index += 1
        }
        return fields
    }
}
