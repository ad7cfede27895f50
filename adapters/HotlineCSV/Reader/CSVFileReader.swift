/// Reads a call-log file's bytes in any supported encoding into CSV records, chunk by chunk.
///
/// A leading byte-order mark is dropped; GB18030 and UTF-16 go through iconv to UTF-8; UTF-8
/// goes to the tokenizer without a copy. Memory is one chunk plus the longest record.
///
/// The separator (comma, tab or semicolon) is read from the first lines unless one is given
/// (``SeparatorSniffer``): they are held back until enough of them are read. A first line `sep=|`
/// (Excel's directive) names it instead, any character.
public final class CSVFileReader {
    public let encoding: CSVEncoding
    private var tokenizer: CSVTokenizer
    private let transcoder: Transcoder?
    /// Bytes held back until the byte-order mark can be recognised (the first four bytes).
    private var head: [UInt8]? = []
    /// UTF-8 held back until the first lines are read and the separator chosen; nil once chosen.
    private var sample: [UInt8]?
    /// How much of `sample` has been scanned, and what it showed.
    private var sampleScan = SeparatorSniffer.SampleScan()

    /// - Parameter separator: The field separator; nil reads it from the first lines.
    /// - Throws: ``TranscoderError`` when iconv cannot convert `encoding`.
    public init(
        encoding: CSVEncoding, separator: UInt8? = nil, maxRecordBytes: Int = CSVTokenizer.defaultMaxRecordBytes
    ) throws {
        self.encoding = encoding
        tokenizer = CSVTokenizer(separator: separator ?? UInt8(ascii: ","), maxRecordBytes: maxRecordBytes)
        sample = separator == nil ? [] : nil
        self.separator = separator ?? UInt8(ascii: ",")
        transcoder = encoding == .utf8 ? nil : try Transcoder.decoder(for: encoding)
    }

    /// The field separator in use (a comma until the first lines have been read). Kept apart from the
    /// tokenizer so records' consumers may read it while the tokenizer is calling them.
    public private(set) var separator: UInt8
    /// Whether line 1 is Excel's `sep=;` directive, which named the separator: no row of the table.
    public private(set) var separatorDirective = false

    /// Invalid byte sequences replaced by U+FFFD so far.
    public var replacements: Int { transcoder?.replacements ?? 0 }

    /// Reads the next chunk of the file.
    public func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (CSVRecord) -> Void) {
        if var pending = head {
            pending.append(contentsOf: bytes)
            guard pending.count >= 4 else {
                head = pending
                return
            }
            head = nil
            let markLength = CSVEncoding.fromByteOrderMark(pending).flatMap { $0.0 == encoding ? $0.1 : nil } ?? 0
            pending.removeFirst(markLength)
            pending.withUnsafeBytes { decode($0, final: false, emit) }
            return
        }
        decode(bytes, final: false, emit)
    }

    /// Ends the file: flushes a last record without a line break, reports an open quote.
    public func finish(_ emit: (CSVRecord) -> Void) {
        if let pending = head {
            head = nil
            let markLength = CSVEncoding.fromByteOrderMark(pending).flatMap { $0.0 == encoding ? $0.1 : nil } ?? 0
            Array(pending.dropFirst(markLength)).withUnsafeBytes { decode($0, final: true, emit) }
        } else {
            decode(UnsafeRawBufferPointer(start: nil, count: 0), final: true, emit)
        }
        tokenizer.finish(emit)
    }

    private func decode(_ bytes: UnsafeRawBufferPointer, final: Bool, _ emit: (CSVRecord) -> Void) {
        if let transcoder {
            transcoder.convert(bytes, final: final) { tokenize($0, final: false, emit) }
            if final { tokenize(UnsafeBufferPointer(start: nil, count: 0), final: true, emit) }
        } else {
            tokenize(bytes.bindMemory(to: UInt8.self), final: final, emit)
        }
    }

    private func tokenize(_ utf8: UnsafeBufferPointer<UInt8>, final: Bool, _ emit: (CSVRecord) -> Void) {
        guard var pending = sample else {
            tokenizer.feed(utf8, emit)
            return
        }
        sample = nil  // the only reference left, so the append below does not copy what is held
        pending.append(contentsOf: utf8)
        let end = SeparatorSniffer.sampleEnd(pending, resuming: &sampleScan)
        guard end != nil || final || pending.count >= SeparatorSniffer.maxSampleBytes else {
            sample = pending
            return
        }
        let named = SeparatorSniffer.directive(pending)
        separatorDirective = named != nil
        separator = named ?? SeparatorSniffer.separator(of: sampleScan)
        tokenizer = CSVTokenizer(separator: separator, maxRecordBytes: tokenizer.maxRecordBytes)
        pending.withUnsafeBufferPointer { tokenizer.feed($0, emit) }
    }
}
