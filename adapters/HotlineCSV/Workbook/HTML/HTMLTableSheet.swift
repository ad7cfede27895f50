import ComplaintCore
import Foundation
import Glibc

/// A web page saved as an "Excel export" (`导出Excel` in many systems writes an HTML table and
/// names it `.xls`): its table read as a sheet, a piece of the file at a time, in the page's
/// character set.
final class HTMLTableSheet: WorkbookSheet {
    private var chunks: TextFileChunks
    private var rows = HTMLTableRows()
    private var finished = false
    /// The bytes the steps so far said they read (a byte-order mark skipped included).
    private var counted = 0

    /// Whether `prefix`, a file's first bytes, begin a web page (after a byte-order mark, white
    /// space and an XHTML page's XML declaration): `<html`, `<!DOCTYPE html`, `<table`, `<meta`,
    /// `<head`, `<style`, `<body`.
    static func isWebPage(_ prefix: [UInt8]) -> Bool {
        var text = prefix[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        text = text.drop { HTMLTableRows.isSpace($0) }
        if text.starts(with: Array("<?xml".utf8)), let end = text.firstIndex(of: UInt8(ascii: ">")) {
            text = text[(end + 1)...].drop { HTMLTableRows.isSpace($0) }
        }
        let head = String(decoding: text.prefix(14).map { $0 | 0x20 }, as: UTF8.self)
        return ["<html", "<!doctype html", "<table", "<meta", "<head", "<style", "<body"].contains {
            head.hasPrefix($0)
        }
    }

    init(file: Int32, fileSize: Int) throws(WorkbookError) {
        let head = try preadExactly(file, at: 0, count: min(fileSize, 64 << 10))
        chunks = try TextFileChunks(
            file: file, fileSize: fileSize, from: head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0,
            charset: Self.charset(head), unsupported: "its web page's character set")
    }

    /// The page's character set: an XHTML page's XML declaration, its `<meta charset>` (or
    /// `http-equiv` content type), else UTF-8 when its first bytes are valid UTF-8, else GB18030
    /// (a Chinese Windows system's pages).
    static func charset(_ head: [UInt8]) -> String {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        // Only ASCII matters here: other bytes become `?`, so any charset's bytes make a String.
        let lowered = String(
            decoding: head.map { $0 >= 0x80 ? 0x3F : $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        // An XHTML page's XML declaration names it as `encoding`, a meta tag as `charset`.
        let declared = lowered.hasPrefix("<?xml") ? lowered.prefix { $0 != ">" }.range(of: "encoding=") : nil
        if let range = declared ?? lowered.range(of: "charset="),
            let charset = TextFileChunks.charset(declaredAt: lowered[range.upperBound...])
        {
            return charset
        }
        // A sequence cut at the end of `head` is not yet invalid: only `finish` would say so.
        var validator = UTF8Validator()
        head.withUnsafeBytes { validator.update($0) }
        return validator.isValid ? "UTF-8" : "GB18030"
    }

    func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int {
        guard !finished else { return 0 }
        let start = counted
        let text = try chunks.next()
        try text.withUnsafeBufferPointer { (bytes) throws(WorkbookError) in try rows.feed(bytes) }
        if chunks.atEnd {
            rows.finish()
            finished = true
            if rows.rowCount == 0 { throw .notWorkbook("a web page with no table in it") }
        }
        for record in rows.completed { emit(record) }
        rows.completed.removeAll(keepingCapacity: true)
        counted = chunks.offset
        return max(counted - start, finished ? 1 : 0)
    }
}
