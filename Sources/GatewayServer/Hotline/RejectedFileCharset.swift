import ComplaintCore
import Foundation
import HotlineCSVAdapter

/// The charset of a rejected-rows file, found by reading it in pieces: the file can be as large
/// as the upload, so it is never held in memory whole.
///
/// The file keeps the upload's encoding: a byte-order mark names it; otherwise UTF-8 when the
/// whole file is strict UTF-8 or UTF-8 with a little damage (``UTF8Validator``, as for uploads),
/// else GB18030 (what a Chinese Excel's "CSV" is).
enum RejectedFileCharset {
    /// The charset of the file at `url`, or nil when there is no such file.
    static func detect(_ url: URL, pieceSize: Int = 64 * 1024) throws -> String? {
        guard let file = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? file.close() }
        var validator = UTF8Validator()
        var first = true
        // The first piece holds at least a whole byte-order mark (four bytes for UTF-32).
        while let data = try file.read(upToCount: first ? max(4, pieceSize) : pieceSize), !data.isEmpty {
            if first, let (encoding, _) = CSVEncoding.fromByteOrderMark(data.prefix(4)) { return encoding.rawValue }
            first = false
            data.withUnsafeBytes { validator.update($0) }
            if !validator.mayBeUTF8 { return "gb18030" }
        }
        validator.finish()
        return validator.readsAsUTF8 ? "utf-8" : "gb18030"
    }
}
