/// Trims the quoted history under a reply, so the record's text is what the citizen wrote now.
///
/// The raw message keeps everything. The rule: the text is cut at the first line that starts
/// quoted history — `On … wrote:` (also wrapped over two lines), `在 … 写道：`, an
/// `-----Original Message-----` / `------------------ 原始邮件 ------------------` separator,
/// an Outlook header block (`From:`/`发件人：` followed by `Sent:`/`Date:`/`发送时间：`/`日期：`,
/// optionally under a line of underscores) — or at a trailing block of `>` lines. It is cut only
/// when something other than whitespace stands above the cut, and never in a forward (subject
/// starting `Fwd:`, `Fw:` or `转发`), whose "history" is the content.
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
            if line.hasSuffix("写道:") || line.hasSuffix("写道：") { return index }
            if isSeparator(line) { return index }
            if isHeaderLine(line, names: ["From", "发件人"]), index + 1 < lines.count,
                isHeaderLine(lines[index + 1].trimmingSpaces(), names: ["Sent", "Date", "发送时间", "日期", "时间"])
            {
                return index > 0 && isRule(lines[index - 1].trimmingSpaces()) ? index - 1 : index
            }
        }
        return nil
    }

    private static func isSeparator(_ line: String) -> Bool {
        guard line.hasPrefix("--") else { return false }
        let inner = line.trimmingCharacters(in: "- ").lowercased()
        return ["original message", "原始邮件", "原邮件", "回复的原邮件", "original"].contains(inner)
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
