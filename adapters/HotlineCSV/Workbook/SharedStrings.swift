import Glibc

/// A workbook's shared strings (`xl/sharedStrings.xml`): the text of every text cell, which the
/// sheet names by index.
///
/// A call log's strings are nearly all distinct (the complaint texts), as large as the sheet:
/// they are written to an unlinked temporary file and mapped, not held on the heap, so memory
/// stays flat whatever the workbook's size (the kernel pages them in and out as needed).
final class SharedStrings {
    private var offsets: [Int] = [0]
    private var file: Int32 = -1
    private var written = 0
    private var mapped: UnsafeRawBufferPointer?
    private var pending: [UInt8] = []

    var count: Int { offsets.count - 1 }

    /// An empty table spilling to a file in `directory`.
    init(spillDirectory: String) throws(WorkbookError) {
        var template = Array((spillDirectory + "/.shared-strings-XXXXXX").utf8CString)
        file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard file >= 0 else { throw .unreadable("cannot create a temporary file in \(spillDirectory)") }
        // Gone from the folder at once: the mapping keeps it until the reader is released.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    deinit {
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
        if file >= 0 { close(file) }
    }

    /// Reads `xl/sharedStrings.xml` from `stream`.
    func load(_ stream: ZipMemberStream) throws(WorkbookError) {
        var scanner = XMLScanner()
        var reader = Reader(table: self)
        while try stream.next({ (bytes) throws(WorkbookError) in try scanner.feed(bytes, into: &reader) }) > 0 {}
        try scanner.finish()
        try flush()
        guard written > 0 else { return }
        guard let base = mmap(nil, written, PROT_READ, MAP_PRIVATE, file, 0), base != MAP_FAILED else {
            throw .unreadable("cannot map the workbook's strings")
        }
        mapped = UnsafeRawBufferPointer(start: base, count: written)
    }

    /// The string at `index`, nil when the table has no such entry.
    func string(at index: Int) -> String? {
        guard index >= 0, index < count else { return nil }
        let start = offsets[index]
        let end = offsets[index + 1]
        guard let mapped, end > start else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: mapped[start..<end]), as: UTF8.self)
    }

    fileprivate func append(_ text: String) throws(WorkbookError) {
        pending.append(contentsOf: text.utf8)
        offsets.append(offsets.last! + text.utf8.count)
        if pending.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(WorkbookError) {
        var done = 0
        while done < pending.count {
            let wrote = pending.withUnsafeBytes { write(file, $0.baseAddress! + done, $0.count - done) }
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else {
                throw .unreadable("cannot write the workbook's strings to a temporary file (disk full?)")
            }
            done += wrote
        }
        written += pending.count
        pending.removeAll(keepingCapacity: true)
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
