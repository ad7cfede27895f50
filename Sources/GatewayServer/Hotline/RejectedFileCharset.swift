import ComplaintCore
import Foundation
import HotlineCSVAdapter

/// The charset of a rejected-rows file, found by reading it in pieces: the file can be as large
/// as the upload, so it is never held in memory whole.
///
/// The file keeps the upload's encoding: a byte-order mark names it; otherwise UTF-8 when the
/// whole file is strict UTF-8 or UTF-8 with a little damage (``UTF8Validator``, as for uploads),
/// else GB18030 (what a Chinese Excel's "CSV" is) when its bytes are well-formed GB18030, else
/// Windows-1252 (a US Excel's, from a profile with `fallback_encoding: windows-1252`: an accented
/// letter before a comma or a space is no GB18030). The label only tells the browser; the bytes
/// are the upload's either way.
enum RejectedFileCharset {
    /// The charset of the file at `url`, or nil when there is no such file.
    static func detect(_ url: URL, pieceSize: Int = 64 * 1024) throws -> String? {
        guard let file = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? file.close() }
        var validator = UTF8Validator()
        var gb18030 = GB18030Shape()
        var first = true
        // The first piece holds at least a whole byte-order mark (four bytes for UTF-32).
        while let data = try file.read(upToCount: first ? max(4, pieceSize) : pieceSize), !data.isEmpty {
            if first, let (encoding, _) = CSVEncoding.fromByteOrderMark(data.prefix(4)) { return encoding.rawValue }
            first = false
            data.withUnsafeBytes { validator.update($0) }
            gb18030.update(data)
        }
        validator.finish()
        if validator.readsAsUTF8 { return "utf-8" }
        return gb18030.isWellFormed ? "gb18030" : "windows-1252"
    }
}

/// Whether bytes have GB18030's shape: ASCII, or a lead byte 81–FE followed by a trail byte
/// 40–7E or 80–FE, or by 30–39 and then a second pair 81–FE 30–39.
private struct GB18030Shape {
    /// 0: between characters; 1: after a lead byte; 2: after lead and digit; 3: after lead, digit, lead.
    private var state = 0
    private(set) var isWellFormed = true

    mutating func update(_ data: Data) {
        guard isWellFormed else { return }
        for byte in data {
            switch state {
            case 0:
                if byte < 0x80 { continue }
                guard (0x81...0xFE).contains(byte) else { return fail() }
                state = 1
            case 1:
                if (0x30...0x39).contains(byte) {
                    state = 2
                } else {
                    guard (0x40...0xFE).contains(byte), byte != 0x7F else { return fail() }
                    state = 0
                }
            case 2:
                guard (0x81...0xFE).contains(byte) else { return fail() }
                state = 3
            default:
                guard (0x30...0x39).contains(byte) else { return fail() }
                state = 0
            }
        }
    }

    private mutating func fail() {
        isWellFormed = false
    }
}
