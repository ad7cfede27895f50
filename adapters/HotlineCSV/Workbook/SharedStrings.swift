import Glibc

/// A workbook's shared strings (`xl/sharedStrings.xml`, or an .xls's `SST` record): the text of
/// every text cell, which the sheet names by index.
///
/// A call log's strings are nearly all distinct (the complaint texts), as large as the sheet:
/// their bytes and where each ends are written to unlinked temporary files and read back with
/// `pread` as the sheet names them, never held whole nor mapped (a mapping's pages, faulted in
/// 64 KiB at a time around each string, count as the process's memory until unmapped). Strings
/// the sheet names again and again (categories, agents, districts) are answered from a small
/// cache; the ends are read 4,096 at a time, in the order the strings were first used, which is
/// the order the sheet names new ones. Memory stays flat whatever the workbook's size.
final class SharedStrings {
    private var bytes: SpillFile
    /// Where each string ends, 8 bytes each (string i runs from the end of i - 1).
    private var ends: SpillFile
    private(set) var count = 0
    private var written = 0
    /// The ends of one block of strings: `block[k]` is where string `firstOfBlock + k` starts,
    /// `block[k + 1]` where it ends.
    private var block = [Int](repeating: 0, count: blockSize + 1)
    private var blockNumber = -1
    private var cachedIndex = [Int](repeating: -1, count: cacheSize)
    private var cachedString = [String](repeating: "", count: cacheSize)

    static let blockSize = 4096
    static let cacheSize = 8192

    /// An empty table spilling to files in `directory`.
    init(spillDirectory: String) throws(WorkbookError) {
        bytes = try SpillFile(directory: spillDirectory)
        ends = try SpillFile(directory: spillDirectory)
    }

    /// Reads `xl/sharedStrings.xml` from `stream`.
    func load(_ stream: ZipMemberStream) throws(WorkbookError) {
        var reader = Reader(table: self)
        try stream.scan(into: &reader)
        try finish()
    }

    /// Makes the strings appended so far readable.
    func finish() throws(WorkbookError) {
        try bytes.flush()
        try ends.flush()
    }

    /// The string at `index`, nil when the table has no such entry.
    func string(at index: Int) throws(WorkbookError) -> String? {
        guard index >= 0, index < count else { return nil }
        let slot = index & (Self.cacheSize - 1)
        if cachedIndex[slot] == index { return cachedString[slot] }
        let number = index / Self.blockSize
        if number != blockNumber { try readBlock(number) }
        let offset = index - number * Self.blockSize
        let start = block[offset]
        let length = block[offset + 1] - start
        guard length > 0 else { return "" }
        var failed = false
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            let got = bytes.read(into: UnsafeMutableRawBufferPointer(buffer), at: start)
            failed = got != length
            return got
        }
        guard !failed else { throw .unreadable("cannot read the workbook's strings back from their temporary file") }
        cachedIndex[slot] = index
        cachedString[slot] = text
        return text
    }

    private func readBlock(_ number: Int) throws(WorkbookError) {
        let first = number * Self.blockSize
        let entries = min(Self.blockSize, count - first)
        let ok = block.withUnsafeMutableBytes { raw in
            if first == 0 {
                raw.storeBytes(of: 0, as: Int.self)
                let got = ends.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[8..<(8 + entries * 8)]), at: 0)
                return got == entries * 8
            }
            // The end of the string before the block is where its first one starts.
            let got = ends.read(
                into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<((entries + 1) * 8)]),
                at: (first - 1) * 8)
            return got == (entries + 1) * 8
        }
        guard ok else { throw .unreadable("cannot read the workbook's strings back from their temporary file") }
        blockNumber = number
    }

    func append(_ text: String) throws(WorkbookError) {
        written += text.utf8.count
        try bytes.append(text)
        try ends.append(written)
        count += 1
    }

    /// `<si>` items: the text of their `<t>` elements, directly or in rich-text runs (`<r>`),
    /// but not phonetic guides (`<rPh>`, the kana over Japanese text).
    private struct Reader: XMLScannerHandler {
        let table: SharedStrings
        var text = CellTextCollector()
        var phonetic = 0

        mutating func start(_ tag: XMLTag) throws(WorkbookError) {
            if tag.is("si") {
                text.reset()
            } else if tag.is("rPh") {
                phonetic += 1
            } else if tag.is("t"), phonetic == 0 {
                text.collecting = true
            }
        }

        mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
            if XMLScanner.equal(name, "t") {
                text.collecting = false
            } else if XMLScanner.equal(name, "rPh") {
                phonetic = max(phonetic - 1, 0)
            } else if XMLScanner.equal(name, "si") {
                try table.append(text.value)
            }
        }

        mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {
            text.add(bytes, cdata: cdata)
        }
    }
}

/// An unlinked temporary file written in 1 MiB pieces and read back with `pread`.
struct SpillFile: ~Copyable {
    private let file: Int32
    private var pending: [UInt8] = []

    init(directory: String) throws(WorkbookError) {
        file = try unlinkedTemporaryFile(in: directory, name: "workbook-strings")
    }

    deinit { close(file) }

    mutating func append(_ text: String) throws(WorkbookError) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Appends `value`'s 8 bytes, in the machine's order (read back by the same process).
    mutating func append(_ value: Int) throws(WorkbookError) {
        withUnsafeBytes(of: value) { pending.append(contentsOf: $0) }
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Bytes read into `buffer` from `offset` (fewer only at the end of the file or on an error).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        preadFully(file, into: buffer, at: offset)
    }

    mutating func flush() throws(WorkbookError) {
        guard pending.withUnsafeBytes({ writeFully(file, $0) }) else {
            throw .unreadable("cannot write the workbook's strings to a temporary file (disk full?)")
        }
        pending.removeAll(keepingCapacity: true)
    }
}
