import ComplaintCore

/// The answer to an upload: counts, every rejected row and warning with its line, and the ids.
///
/// `line` is the physical line where the row starts (the header is line 1), so staff find it in
/// Excel; `rows` counts data rows, and `accepted + duplicates + rejectedCount == rows`. A workbook
/// read from several worksheets numbers each sheet's rows as Excel does, so every entry also
/// names its worksheet (`sheet`, an index into ``sheets``), and ids are listed by `sheet!line`.
/// The lists are ``SpooledList``s: however many rows a file has, the report holds a bounded
/// amount of memory, the rest waits on disk until the report is written out (``jsonChunks(includeIDs:)``).
public struct ImportReport: Sendable {
    /// One row's problem.
    public struct RowIssue: Sendable, Hashable {
        public var line: Int
        public var ticket: String?
        public var reason: String
        /// The worksheet, by its index in ``ImportReport/sheets`` (0 when one sheet was read).
        public var sheet: Int

        public init(line: Int, ticket: String?, reason: String, sheet: Int = 0) {
            self.line = line
            self.ticket = ticket
            self.reason = reason
            self.sheet = sheet
        }
    }

    /// The complaint id a line became (or already was, for a duplicate).
    public struct LineID: Sendable, Hashable {
        public var line: Int
        public var id: String
        /// The worksheet, by its index in ``ImportReport/sheets``.
        public var sheet: Int

        public init(line: Int, id: String, sheet: Int = 0) {
            self.line = line
            self.id = id
            self.sheet = sheet
        }
    }

    public var fileSHA256: String
    public var profile: String
    public var encoding: CSVEncoding
    /// The stored upload (`raw_…`).
    public var rawID: String
    /// The worksheets read, in tab order, when rows came from more than one (a workbook kept by
    /// month, one sheet each); empty otherwise, and entries then name no sheet.
    public var sheets: [String] = []
    public var rows = 0
    public var accepted = 0
    public var duplicates = 0
    /// Rows rejected while the file was read, in line order.
    public let rejectedOnRead: SpooledList<RowIssue>
    /// Rows rejected when their batch committed (a ticket repeated in the file), in line order.
    public let rejectedOnCommit: SpooledList<RowIssue>
    /// Warnings about the file's layout, given while it is read (rows before the header, the
    /// header again, a totals row, columns for one field), in line order.
    public let warningsOnRead: SpooledList<RowIssue>
    /// Warnings about rows taken, given when their batch commits, in line order.
    public let warningsOnCommit: SpooledList<RowIssue>
    /// Line → complaint id (new or the existing one for a duplicate), in line order, when collected.
    public let idsByLine: SpooledList<LineID>
    /// Where the rejected rows can be downloaded, when there are any.
    public var rejectedCSVPath: String?
    /// The rejected rows' file on disk, for a report read where the data directory is
    /// (`complaint-gateway import --json`); nil in an HTTP answer.
    public var rejectedFile: String?

    /// - Parameter spillDirectory: where the lists may move once they outgrow memory (nil: they stay).
    public init(
        fileSHA256: String, profile: String, encoding: CSVEncoding, rawID: String, spillDirectory: String? = nil
    ) {
        self.fileSHA256 = fileSHA256
        self.profile = profile
        self.encoding = encoding
        self.rawID = rawID
        rejectedOnRead = SpooledList(spillingTo: spillDirectory)
        rejectedOnCommit = SpooledList(spillingTo: spillDirectory)
        warningsOnRead = SpooledList(spillingTo: spillDirectory)
        warningsOnCommit = SpooledList(spillingTo: spillDirectory)
        idsByLine = SpooledList(spillingTo: spillDirectory)
    }

    /// How many rows were rejected.
    public var rejectedCount: Int { rejectedOnRead.count + rejectedOnCommit.count }

    /// Every rejected row in line order (the two lists merged).
    public func rejected() -> MergedIssues {
        MergedIssues(rejectedOnRead.makeIterator(), rejectedOnCommit.makeIterator())
    }

    /// How many warnings there are.
    public var warningCount: Int { warningsOnRead.count + warningsOnCommit.count }

    /// Every warning in line order (the two lists merged).
    public func warnings() -> MergedIssues {
        MergedIssues(warningsOnRead.makeIterator(), warningsOnCommit.makeIterator())
    }

    /// Where a row is, as staff look for it: `line 5`, or `"2月" line 5` when several worksheets
    /// were read.
    public func place(sheet: Int, line: Int) -> String {
        sheets.indices.contains(sheet) && sheets.count > 1 ? "\"\(sheets[sheet])\" line \(line)" : "line \(line)"
    }

    /// A row's key in `ids_by_line` and its `line` in the rejected-rows file: `5`, or `2月!5` (a
    /// worksheet and a row, as Excel writes a reference) when several worksheets were read.
    public func lineKey(sheet: Int, line: Int) -> String {
        sheets.indices.contains(sheet) && sheets.count > 1 ? "\(sheets[sheet])!\(line)" : String(line)
    }

    /// Two lists in line order read as one.
    public struct MergedIssues: Sequence, IteratorProtocol {
        private var left: SpooledList<RowIssue>.Iterator
        private var right: SpooledList<RowIssue>.Iterator
        private var nextLeft: RowIssue?
        private var nextRight: RowIssue?

        init(_ left: SpooledList<RowIssue>.Iterator, _ right: SpooledList<RowIssue>.Iterator) {
            self.left = left
            self.right = right
            nextLeft = self.left.next()
            nextRight = self.right.next()
        }

        public mutating func next() -> RowIssue? {
            if let other = nextRight, nextLeft.map({ (other.sheet, other.line) < ($0.sheet, $0.line) }) ?? true {
                nextRight = right.next()
                return other
            }
            guard let one = nextLeft else { return nil }
            nextLeft = left.next()
            return one
        }
    }
}

extension ImportReport.RowIssue: SpoolEntry {
    public func encode(into bytes: inout [UInt8]) {
        SpoolCoding.append(line, to: &bytes)
        SpoolCoding.append(sheet, to: &bytes)
        SpoolCoding.append(ticket, to: &bytes)
        SpoolCoding.append(reason, to: &bytes)
    }

    public init(decoding bytes: UnsafeRawBufferPointer) {
        var offset = 0
        line = SpoolCoding.int(bytes, &offset)
        sheet = SpoolCoding.int(bytes, &offset)
        ticket = SpoolCoding.string(bytes, &offset)
        reason = SpoolCoding.string(bytes, &offset) ?? ""
    }
}

extension ImportReport.LineID: SpoolEntry {
    public func encode(into bytes: inout [UInt8]) {
        SpoolCoding.append(line, to: &bytes)
        SpoolCoding.append(sheet, to: &bytes)
        SpoolCoding.append(id, to: &bytes)
    }

    public init(decoding bytes: UnsafeRawBufferPointer) {
        var offset = 0
        line = SpoolCoding.int(bytes, &offset)
        sheet = SpoolCoding.int(bytes, &offset)
        id = SpoolCoding.string(bytes, &offset) ?? ""
    }
}

/// The byte layout of spooled entries: integers as 8 bytes little-endian, strings as a 4-byte
/// length (all ones for nil) and their UTF-8.
enum SpoolCoding {
    static func append(_ value: Int, to bytes: inout [UInt8]) {
        let bits = UInt64(bitPattern: Int64(value))
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * index))) }
    }

    static func append(_ text: String?, to bytes: inout [UInt8]) {
        guard let text else {
            bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
            return
        }
        let count = UInt32(text.utf8.count)
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: count >> (8 * index))) }
        bytes.append(contentsOf: text.utf8)
    }

    static func int(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> Int {
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * index) }
        offset += 8
        return Int(Int64(bitPattern: bits))
    }

    static func string(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> String? {
        var count: UInt32 = 0
        for index in 0..<4 { count |= UInt32(bytes[offset + index]) << (8 * index) }
        offset += 4
        if count == UInt32.max { return nil }
        defer { offset += Int(count) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(count)]), as: UTF8.self)
    }
}
