import Foundation

extension MergedDown {
    /// An .xlsx sheet's merged ranges: its `<mergeCell ref="E2:E4"/>`s, which come after the
    /// cells, found by a byte search of the part inflated once more before the rows are read.
    /// (Parsing the XML a second time would cost as much as reading the rows.)
    static func listed(in part: ZipMemberStream) throws(WorkbookError) -> MergedDown {
        var finder = MergeCellFinder()
        while try part.next({ bytes in finder.feed(bytes) }) > 0 {}
        return MergedDown(listed: finder.spans)
    }

    /// An .xls sheet's merged ranges: its MERGEDCELLS records, which come after the cells, read
    /// from `records` (a reader of its own, at the sheet's BOF) to the sheet's end.
    static func listed(in records: BIFFRecords) throws(WorkbookError) -> MergedDown {
        var spans: [Span] = []
        var depth = 0
        while let type = try records.peekType() {
            guard type == BIFFRecords.Record.bof || type == BIFFRecords.Record.eof || type == Self.mergedCells else {
                try records.skip()
                continue
            }
            guard let record = try records.next() else { break }
            if type == BIFFRecords.Record.bof {
                depth += 1
            } else if type == BIFFRecords.Record.eof {
                depth -= 1
                if depth <= 0 { break }
            } else if depth == 1, record.body.count >= 2 {
                // A count, then per range its first and last row and first and last column.
                let count = min(record.body.uint16(at: 0), (record.body.count - 2) / 8)
                for index in 0..<count where spans.count < maxSpans {
                    let at = 2 + index * 8
                    spans.append(
                        Span(
                            column: record.body.uint16(at: at + 4), firstLine: record.body.uint16(at: at) + 1,
                            lastLine: record.body.uint16(at: at + 2) + 1))
                }
            }
        }
        return MergedDown(listed: spans)
    }

    /// MERGEDCELLS ([MS-XLS] 2.4.168).
    static let mergedCells = 0x00E5
}

/// Finds `<mergeCell ref="…"/>` tags (with or without a namespace prefix) in a sheet's XML as
/// it comes, a tag split across two pieces included.
struct MergeCellFinder {
    var spans: [MergedDown.Span] = []
    /// The unsearched tail of the pieces so far: at most a tag's start.
    private var carry: [UInt8] = []
    private static let name = Array("mergeCell".utf8)
    /// A `<mergeCell>` tag is short; a longer one is skipped as damage.
    private static let maxTag = 512

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        // Taken out of `self` so the search may add spans while it reads them.
        var joined = carry
        carry = []
        joined.append(contentsOf: bytes)
        let kept = joined.withUnsafeBytes { search($0) }
        carry = Array(joined[kept...])
    }

    /// Reads the tags in `bytes`. - Returns: Where the bytes still to keep begin (an unfinished
    /// tag, or the last few bytes, which may begin the name).
    private mutating func search(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var at = 0
        // `memchr` to each capital C (rare in a sheet's cell markup, the `C` of `mergeCell`).
        while at < bytes.count {
            guard let found = memchr(base + at, Int32(UInt8(ascii: "C")), bytes.count - at) else {
                return max(at, bytes.count - Self.name.count)
            }
            let capital = base.distance(to: UnsafeRawPointer(found))
            let start = capital - 5
            guard start >= 0 else {
                at = capital + 1
                continue
            }
            guard capital + 4 <= bytes.count else { return start }
            guard memcmp(base + start, Self.name, Self.name.count) == 0 else {
                at = capital + 1
                continue
            }
            let after = start + Self.name.count
            guard after < bytes.count else { return start }
            // `mergeCells` (the list) and text that merely holds the word are not tags.
            let next = bytes[after]
            guard next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D else {
                at = after
                continue
            }
            let limit = min(bytes.count, after + Self.maxTag)
            guard let close = (after..<limit).first(where: { bytes[$0] == UInt8(ascii: ">") }) else {
                if limit == bytes.count && bytes.count - start < Self.maxTag { return start }
                at = after
                continue
            }
            if let span = Self.span(String(decoding: bytes[after..<close], as: UTF8.self)),
                spans.count < MergedDown.maxSpans
            {
                spans.append(span)
            }
            at = close + 1
        }
        return bytes.count
    }

    /// The span a tag's attributes name: `ref="E2:F4"` → column E (4), lines 2 to 4.
    static func span(_ attributes: String) -> MergedDown.Span? {
        guard let ref = attributes.range(of: "ref=") else { return nil }
        let quoted = attributes[ref.upperBound...].dropFirst()
        let value = quoted.prefix { $0 != "\"" && $0 != "'" }
        let ends = value.split(separator: ":")
        guard ends.count == 2, let first = cell(ends[0]), let last = cell(ends[1]) else { return nil }
        return MergedDown.Span(column: first.column - 1, firstLine: first.row, lastLine: last.row)
    }

    /// `E12` → column 5, row 12 (`$E$12` read alike).
    private static func cell(_ reference: Substring) -> (column: Int, row: Int)? {
        let text = reference.filter { $0 != "$" }
        guard let column = try? SheetRows.column(ofReference: text),
            let row = Int(text.drop { $0.isLetter }), row >= 1
        else { return nil }
        return (column, row)
    }
}
