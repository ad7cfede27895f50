import Foundation
import HotlineCSVAdapter

/// The charset of a rejected-rows file, found by reading it in pieces: the file can be as large
/// as the upload, so it is never held in memory whole.
///
/// The file keeps the upload's encoding: a byte-order mark names it; otherwise UTF-8 when every
/// byte is part of valid UTF-8, else GB18030 (what a Chinese Excel's "CSV" is).
enum RejectedFileCharset {
    /// The charset of the file at `url`, or nil when there is no such file.
    static func detect(_ url: URL, pieceSize: Int = 64 * 1024) throws -> String? {
        guard let file = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? file.close() }
        var carried: [UInt8] = []
        var first = true
        // The first piece holds at least a whole byte-order mark (four bytes for UTF-32).
        while let data = try file.read(upToCount: first ? max(4, pieceSize) : pieceSize), !data.isEmpty {
            var bytes = carried
            bytes.append(contentsOf: data)
            if first {
                first = false
                if let (encoding, _) = CSVEncoding.fromByteOrderMark(bytes.prefix(4)) { return encoding.rawValue }
            }
            // A character split between pieces waits for the next one.
            let end = completeEnd(bytes)
            guard String(validating: bytes[..<end], as: UTF8.self) != nil else { return "gb18030" }
            carried = Array(bytes[end...])
        }
        return carried.isEmpty ? "utf-8" : "gb18030"
    }

    /// Where the last complete UTF-8 character of `bytes` ends: before a lead byte whose
    /// continuation bytes have not all arrived.
    static func completeEnd(_ bytes: [UInt8]) -> Int {
        var start = bytes.count
        // At most three bytes back: the longest character is four bytes.
        while start > max(0, bytes.count - 3) && bytes[start - 1] & 0xC0 == 0x80 { start -= 1 }
        guard start > 0 else { return bytes.count }
        let lead = bytes[start - 1]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return bytes.count - (start - 1) < length ? start - 1 : bytes.count
    }
}
