import Foundation
import HotlineCSVAdapter

/// Reads `bytes` in chunks of `chunk` bytes (1 exercises every boundary) and returns every record.
func readRecords(
    _ bytes: [UInt8], encoding: CSVEncoding = .utf8, chunk: Int = 1 << 16,
    maxRecordBytes: Int = CSVTokenizer.defaultMaxRecordBytes
) throws -> [CSVRecord] {
    try readFile(bytes, encoding: encoding, chunk: chunk, maxRecordBytes: maxRecordBytes).records
}

/// ``readRecords(_:encoding:chunk:maxRecordBytes:)`` with the separator the reader chose.
func readFile(
    _ bytes: [UInt8], encoding: CSVEncoding = .utf8, chunk: Int = 1 << 16,
    maxRecordBytes: Int = CSVTokenizer.defaultMaxRecordBytes
) throws -> (separator: UInt8, records: [CSVRecord]) {
    let reader = try CSVFileReader(encoding: encoding, maxRecordBytes: maxRecordBytes)
    var records: [CSVRecord] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        bytes[offset..<end].withUnsafeBytes { reader.feed($0) { records.append($0) } }
        offset = end
    }
    reader.finish { records.append($0) }
    return (reader.separator, records)
}

/// UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Bytes from hex pairs (`"b9a4 b5a5"`), for files built byte by byte in GBK.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// The repository's `config/` folder.
let configDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("config")

/// What a whole-number column's refusal adds for a value that reads as a length of time.
let durationHint = " (it reads as a length of time: a profile column with type: duration takes it as seconds)"
