/// Trims the quoted history under a reply, so the record's text is what the citizen wrote now.
///
/// The raw message keeps everything. The rule: the text is cut at the first line that starts
/// quoted history — `On … wrote:` (also wrapped over two lines), a line ending `写道：` that
/// names an address or a time of day (`在 2026年11月3日 08:15，"张三" <a@b.cn> 写道：`, Gmail's
/// `张三 <a@b.cn> 于2026年11月3日周二 08:15写道：`; a citizen's own `通知里写道：` is text), an
/// `-----Original Message-----` / `------------------ 原始邮件 ------------------` (`-----原始郵件-----`) separator,
/// a mail header block (`From:`/`发件人：`/`寄件者：` followed by at least two header lines among
/// `Sent:`/`Date:`/`To:`/`Cc:`/`Subject:`/`发送时间：`/`日期：`/`时间：`/`收件人：`/`抄送：`/`主题：`
/// and Taiwan Outlook's `寄件日期：`/`收件者：`/`副本：`/`主旨：`,
/// one of them naming a recipient or the subject, optionally under a line of underscores; a
/// quoted text message's `发件人：10086` and `时间：` are not a mail's) — or at a trailing block
/// of `>` lines. It is cut only when something other than whitespace stands above the cut, and
/// never in a forward (subject starting `Fwd:`, `Fw:` or `转发`), whose "history" is the content.
public enum QuotedReply {
    /// The text to keep and the number of characters trimmed (0 when nothing was).
    /// The count is of Unicode scalars.
    public static func trim(_ text: String, subject: String?) -> (text: String, trimmedCharacters: Int) {
        if let subject, isForward(subject) { return (text, 0) }
        // Lines are cut on the UTF-8 bytes: a body can be one line of many megabytes.
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        let cut = firstMarker(lines) ?? trailingQuoteBlock(lines)
        guard let cut else { return (text, 0) }
        let kept = lines[..<cut].joined(separator: "\n")
        guard kept.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return (text, 0) }
        let trimmedKept = kept.trimmingSpaces()
        return (trimmedKept, text.unicodeScalars.count - trimmedKept.unicodeScalars.count)
    }

    /// Marker lines are short; longer lines are not examined.
    private static let maxMarkerLineBytes = 400

    private static func isForward(_ subject: String) -> Bool {
        let lowered = subject.trimmingSpaces().lowercased()
        return ["fwd:", "fw:", "fwd：", "fw：", "转发", "[fwd"].contains { lowered.hasPrefix($0) }
    }

    private static func firstMarker(_ lines: [Substring]) -> Int? {
        for (index, raw) in lines.enumerated() where raw.utf8.count <= maxMarkerLineBytes {
            let line = raw.trimmingSpaces()
            if line.isEmpty { continue }
            if line.hasSuffix("wrote:") {
                if line.hasPrefix("On ") { return index }
                if index > 0, lines[index - 1].trimmingSpaces().hasPrefix("On ") { return index - 1 }
            }
            if line.hasSuffix("写道:") || line.hasSuffix("写道："), namesSenderOrTime(line) { return index }
            if isSeparator(line) { return index }
            if isHeaderLine(line, names: ["From", "发件人", "寄件者", "寄件人"]), startsHeaderBlock(lines, after: index) {
                return index > 0 && isRule(lines[index - 1].trimmingSpaces()) ? index - 1 : index
            }
        }
        return nil
    }

    /// A mail client's attribution line names the quoted sender's address or the time it was
    /// sent (`08:15`); a sentence of the citizen's ending in `写道：` does neither.
    private static func namesSenderOrTime(_ line: String) -> Bool {
        if line.contains("@") { return true }
        let bytes = Array(line.utf8)
        return bytes.indices.contains { index in
            bytes[index] == UInt8(ascii: ":") && index > 0 && index + 2 < bytes.count
                && isDigit(bytes[index - 1]) && isDigit(bytes[index + 1]) && isDigit(bytes[index + 2])
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static let blockHeaderNames = [
        "Sent", "Date", "To", "Cc", "Subject", "发送时间", "发送日期", "日期", "时间", "收件人", "抄送", "主题",
        // Outlook in traditional Chinese (Taiwan, Hong Kong).
        "寄件日期", "傳送時間", "收件者", "副本", "主旨",
    ]
    private static let recipientOrSubjectNames = ["To", "Cc", "Subject", "收件人", "抄送", "主题", "收件者", "副本", "主旨"]

    /// After a `From:` line: at least two header lines in a row, one of them a recipient or the subject.
    private static func startsHeaderBlock(_ lines: [Substring], after index: Int) -> Bool {
        var headers = 0
        var namesRecipientOrSubject = false
        var next = index + 1
        while next < lines.count, next <= index + 6, lines[next].utf8.count <= maxMarkerLineBytes {
            let line = lines[next].trimmingSpaces()
            guard isHeaderLine(line, names: blockHeaderNames) else { break }
            headers += 1
            if isHeaderLine(line, names: recipientOrSubjectNames) { namesRecipientOrSubject = true }
            next += 1
        }
        return headers >= 2 && namesRecipientOrSubject
    }

    private static func isSeparator(_ line: String) -> Bool {
        guard line.hasPrefix("--") else { return false }
        let inner = line.trimmingCharacters(in: "- ").lowercased()
        return ["original message", "原始邮件", "原邮件", "回复的原邮件", "original", "原始郵件", "原郵件"].contains(inner)
    }

    private static func isRule(_ line: String) -> Bool {
        line.count >= 8 && line.allSatisfy { $0 == "_" || $0 == "-" }
    }

    private static func isHeaderLine(_ line: String, names: [String]) -> Bool {
        names.contains { line.hasPrefix($0 + ":") || line.hasPrefix($0 + "：") || line.hasPrefix($0 + " :") }
    }

    /// The first line of a block of `>` lines (blank lines allowed inside) that ends the text.
    private static func trailingQuoteBlock(_ lines: [Substring]) -> Int? {
        var index = lines.count
        var sawQuote = false
        while index > 0 {
            let line = lines[index - 1].utf8.count > maxMarkerLineBytes ? "x" : lines[index - 1].trimmingSpaces()
            if line.hasPrefix(">") {
                sawQuote = true
            } else if !line.isEmpty {
                break
            }
            index -= 1
        }
        return sawQuote ? index : nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
