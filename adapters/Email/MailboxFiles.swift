import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Messages stored on disk: one `.eml` file, an mbox file, or a Maildir (or any directory of
/// message files), for `complaint-gateway email import`.
public struct MailboxFiles: Sendable {
    public enum Kind: String, Sendable {
        case eml, mbox, maildir
    }

    public let kind: Kind
    private let url: URL
    /// For mbox: the byte ranges of the messages; for a directory: the files.
    private let ranges: [Range<Int>]
    private let files: [URL]
    private let mapped: Data?

    /// Recognises the path: a directory is a Maildir (`cur/` and `new/`, or plain files); a file
    /// starting with an mbox `From ` line is an mbox; any other file is one message.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        self.url = url
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        if isDirectory.boolValue {
            kind = .maildir
            var found: [URL] = []
            let subdirectories = ["cur", "new"].map { url.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.path) }
            for directory in subdirectories.isEmpty ? [url] : subdirectories {
                let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                // Files only: a folder beside the messages (an archive, a Maildir++ subfolder) is not one.
                found += names.filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }
                    .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            }
            files = found
            ranges = []
            mapped = nil
            return
        }
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        if data.starts(with: Array("From ".utf8)) {
            kind = .mbox
            mapped = data
            ranges = Self.mboxRanges(data)
        } else {
            kind = .eml
            mapped = data
            ranges = [0..<data.count]
        }
        files = []
    }

    public var count: Int { kind == .maildir ? files.count : ranges.count }

    /// Whether `message` starts as a message does, with a header field (`Name: value`), so that a
    /// call-log CSV or a picture given to the mail import by mistake is refused, not stored as one
    /// complaint holding the whole file.
    public static func startsWithHeaderField(_ message: [UInt8]) -> Bool {
        var bytes = message[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // An MTA's pipe (Postfix's `F` flag, procmail) may put the mbox postmark line first.
        if bytes.starts(with: Array("From ".utf8)), let end = bytes.firstIndex(of: 0x0A) {
            bytes = bytes[(end + 1)...]
        }
        // A field name is printable ASCII other than the colon (RFC 5322 §2.2), then the colon.
        // Real ones start with a letter or digit: JSON (`{"Type":`, a webhook's envelope posted
        // here) fits the grammar too, and is not a message.
        let name = bytes.prefix { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") }
        guard let first = name.first, Unicode.Scalar(first).properties.isAlphabetic || (0x30...0x39).contains(first)
        else { return false }
        return bytes.dropFirst(name.count).first == UInt8(ascii: ":")
    }

    /// The message at `index`, with an mbox's `>From ` escaping undone (mboxrd).
    public func message(at index: Int) throws -> [UInt8] {
        switch kind {
        case .maildir: return Array(try Data(contentsOf: files[index]))
        case .eml: return Array(mapped!)
        case .mbox:
            let bytes = Array(mapped![ranges[index]])
            return Self.unescapeFromLines(bytes)
        }
    }

    /// Where each message of an mbox starts: a `From ` postmark line (``isPostmark(_:at:)``). The
    /// `From ` line itself is not part of the message.
    static func mboxRanges(_ data: Data) -> [Range<Int>] {
        var starts: [Int] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index < bytes.count {
                if index + 5 <= bytes.count, bytes[index] == 0x46, bytes[index + 1] == 0x72, bytes[index + 2] == 0x6F,
                    bytes[index + 3] == 0x6D, bytes[index + 4] == 0x20, Self.isPostmark(bytes, at: index)
                {
                    starts.append(index)
                }
                // Next line.
                guard let newline = memchr(bytes.baseAddress! + index, 0x0A, bytes.count - index) else { break }
                index = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
        }
        var ranges: [Range<Int>] = []
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1] : data.count
            // Skip the separator line.
            let bodyStart = data[start..<end].firstIndex(of: 0x0A).map { $0 + 1 } ?? end
            ranges.append(bodyStart..<end)
        }
        return ranges
    }

    /// Whether the `From ` line at `index` separates messages: the file's first line, or one after
    /// a blank line that carries a time (`From a@b.cn Tue Nov  3 08:15:02 2026`) and is followed by
    /// a header line. A writer that does not escape a body's `From ` lines (mboxo) leaves them as
    /// sentences (`From what I saw…`), which must not cut the message in two.
    static func isPostmark(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        if index == 0 { return true }
        let blankBefore =
            index >= 2 && bytes[index - 1] == 0x0A
            && (bytes[index - 2] == 0x0A || (index >= 3 && bytes[index - 2] == 0x0D && bytes[index - 3] == 0x0A))
        guard blankBefore else { return false }
        var end = index
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        let hasTime = (index..<max(index, end - 4)).contains {
            isDigit(bytes[$0]) && isDigit(bytes[$0 + 1]) && bytes[$0 + 2] == UInt8(ascii: ":") && isDigit(bytes[$0 + 3])
                && isDigit(bytes[$0 + 4])
        }
        guard hasTime, end + 1 < bytes.count else { return false }
        // The next line is a header: a name of printable characters, then a colon.
        var next = end + 1
        while next < bytes.count, bytes[next] > 0x20, bytes[next] < 0x7F, bytes[next] != UInt8(ascii: ":") { next += 1 }
        return next > end + 1 && next < bytes.count && bytes[next] == UInt8(ascii: ":")
    }

    /// `>From ` → `From `, `>>From ` → `>From ` at line starts (mboxrd); a lone trailing blank line is dropped.
    static func unescapeFromLines(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var atLineStart = true
        while index < bytes.count {
            if atLineStart, bytes[index] == UInt8(ascii: ">") {
                var look = index
                while look < bytes.count, bytes[look] == UInt8(ascii: ">") { look += 1 }
                if Bytes.hasPrefix(bytes, "From ", at: look, end: bytes.count) {
                    index += 1
                }
            }
            let byte = bytes[index]
            output.append(byte)
            atLineStart = byte == 0x0A
            index += 1
        }
        if output.last == 0x0A, output.dropLast().last == 0x0A { output.removeLast() }
        return output
    }
}
