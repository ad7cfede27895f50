/// Reads a call-log file's bytes in any supported encoding into CSV records, chunk by chunk.
///
/// A leading byte-order mark is dropped; GB18030 and UTF-16 go through iconv to UTF-8; UTF-8
/// goes to the tokenizer without a copy. Memory is one chunk plus the longest record.
public final class CSVFileReader {
    public let encoding: CSVEncoding
    private var tokenizer: CSVTokenizer
    private let transcoder: Transcoder?
    /// Bytes held back until the byte-order mark can be recognised (the first four bytes).
    private var head: [UInt8]? = []

    /// - Throws: ``TranscoderError`` when iconv cannot convert `encoding`.
    public init(encoding: CSVEncoding, maxRecordBytes: Int = CSVTokenizer.defaultMaxRecordBytes) throws {
        self.encoding = encoding
        tokenizer = CSVTokenizer(maxRecordBytes: maxRecordBytes)
        transcoder = encoding == .utf8 ? nil : try Transcoder.decoder(for: encoding)
    }

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
            transcoder.convert(bytes, final: final) { tokenizer.feed($0, emit) }
        } else {
            tokenizer.feed(bytes.bindMemory(to: UInt8.self), emit)
        }
    }
}
