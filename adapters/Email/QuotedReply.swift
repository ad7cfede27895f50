/// Trims the quoted history under a reply, so the record's text is what the citizen wrote now.
///
/// The raw message keeps everything. Only a reply is cut: a message with `In-Reply-To` or
/// `References`, or a subject starting `Re:`, `回复`, `答复`, `回覆` (and `AW:`, `SV:`, `Antw:`).
/// A first letter that quotes a landlord's notice or pastes a scam mail is the complaint itself.
/// The rule: the text is cut at the first line that starts
/// quoted history — `On … wrote:` (also wrapped over two lines; Yahoo's `--- On … wrote:`; Foxmail's
/// `在 … you wrote：`; Coremail's `At 2021-09-20 17:32:26, "Name" <a@b.cn> wrote:`), a line ending `写道：`/`寫道：` that
/// names an address or a time of day (`在 2026年11月3日 08:15，"张三" <a@b.cn> 写道：`, Gmail's
/// `张三 <a@b.cn> 于2026年11月3日周二 08:15写道：`; a citizen's own `通知里写道：` is text), an
/// `-----Original Message-----` / `------------------ 原始邮件 ------------------` / `-----邮件原件-----`
/// (`-----原始郵件-----`) separator,
/// a mail header block (`From:`/`发件人：`/`寄件者：` followed by at least two header lines among
/// `Sent:`/`Date:`/`To:`/`Cc:`/`Subject:`/`发送时间：`/`日期：`/`时间：`/`收件人：`/`抄送：`/`主题：`
/// and Taiwan Outlook's `寄件日期：`/`收件者：`/`副本：`/`主旨：`,
/// one of them naming a recipient or the subject, optionally under a line of underscores; a
/// quoted text message's `发件人：10086` and `时间：` are not a mail's) — or at a trailing block
/// of `>` lines. A forward is never cut: neither one whose subject says so (`Fwd:`, `Fw:`, `转发`,
/// `轉寄`, `WG:`, `TR:`, `RV:`) nor one whose first marker is a forward's own line
/// (`---------- Forwarded message ---------`, `Begin forwarded message:`, `-------- 转发邮件信息 --------`):
/// its "history" is the content.
///
/// When nothing stands above the cut, the reply said nothing new: a history under a separator or
/// a header block (a reply with only a photo attached) gives an empty text, so the subject is
/// used instead of the quoted mail (often the hotline's own, with its clerk's phone number);
/// under an `On … wrote:` line the lines not quoted with `>` are kept (a reply written below
/// the quote). A reply that opens with `>` lines and has no marker (the attribution quoted with
/// the rest) keeps its lines not quoted: the answer written below or between the quotes.
public enum QuotedReply {
    /// The text to keep and the number of characters trimmed (0 when nothing was).
    /// The count is of Unicode scalars. `threaded` says the message has `In-Reply-To` or `References`.
    public static func trim(_ text: String, subject: String?, threaded: Bool) -> (text: String, trimmedCharacters: Int)
    {
        if let subject, isForward(subject) { return (text, 0) }
        guard threaded || subject.map(isReplySubject) == true else { return (text, 0) }
        // Lines are cut on the UTF-8 bytes: a body can be one line of many megabytes.
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        let marker = firstMarker(lines)
        if marker?.kind == .forward { return (text, 0) }
        if marker == nil, startsQuoted(lines) {
            // Written below (or between) the quoted lines, as mutt and Exchange users do, the
            // attribution line quoted with the rest: the lines not quoted are the reply.
            let kept = unquoted(lines[...]).trimmingSpaces()
            guard !kept.isEmpty else { return (text, 0) }
            return (kept, text.unicodeScalars.count - kept.unicodeScalars.count)
        }
        guard let cut = marker?.index ?? trailingQuoteBlock(lines) else { return (text, 0) }
        var kept = lines[..<cut].joined(separator: "\n")
        if !kept.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) {
            // A reply written below the quote: the lines after the attribution that are not quoted.
            kept = marker?.kind == .attribution ? unquoted(lines[cut...].dropFirst(marker?.length ?? 1)) : ""
        }
        let trimmedKept = kept.trimmingSpaces()
        return (trimmedKept, text.unicodeScalars.count - trimmedKept.unicodeScalars.count)
    }

    /// The lines a citizen wrote themselves: above the first line that starts quoted or forwarded
    /// history (in any message, reply or not), without the lines quoted with `>`.
    public static func ownPart(of text: String) -> String {
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        let end = firstMarker(lines)?.index ?? lines.count
        return unquoted(lines[..<end])
    }

    /// A reply or a forward: its subject was written by someone else first.
    public static func isConversation(subject: String, threaded: Bool) -> Bool {
        threaded || isForward(subject) || isReplySubject(subject)
    }

    /// A message that names the one it answers.
    public static func isThreaded(_ headers: HeaderBlock) -> Bool {
        headers["In-Reply-To"] != nil || headers["References"] != nil
    }

    private enum MarkerKind { case attribution, separator, headerBlock, forward }
    private struct Marker {
        var index: Int
        var kind: MarkerKind
        var length = 1
    }

    /// The lines not quoted with `>`, joined.
    private static func unquoted(_ lines: ArraySlice<Substring>) -> String {
        lines.filter { !$0.trimmingSpaces().hasPrefix(">") }.joined(separator: "\n")
    }

    /// Marker lines are short; longer lines are not examined.
    private static let maxMarkerLineBytes = 400

    private static func isForward(_ subject: String) -> Bool {
        hasPrefix(subject, among: ["fwd", "fw", "转发", "轉寄", "转寄", "wg", "tr", "rv", "[fwd"])
    }

    private static func isReplySubject(_ subject: String) -> Bool {
        hasPrefix(subject, among: ["re", "回复", "答复", "回覆", "aw", "sv", "antw", "[re"])
    }

    /// `Re:`, `RE：`, `Re[2]:`, `回复：`, `回复 `: a prefix followed by a colon, a bracketed count,
    /// or (for the Chinese ones) anything.
    private static func hasPrefix(_ subject: String, among prefixes: [String]) -> Bool {
        let lowered = subject.trimmingSpaces().lowercased()
        return prefixes.contains { prefix in
            guard lowered.hasPrefix(prefix) else { return false }
            let rest = lowered.dropFirst(prefix.count)
            guard let next = rest.first else { return false }
            if prefix.first?.isASCII == false || prefix.hasPrefix("[") { return true }
            return next == ":" || next == "：" || next == "["
        }
    }

    private static func firstMarker(_ lines: [Substring]) -> Marker? {
        for (index, raw) in lines.enumerated() where raw.utf8.count <= maxMarkerLineBytes {
            let line = raw.trimmingSpaces()
            if line.isEmpty { continue }
            if isForwardLine(line) { return Marker(index: index, kind: .forward) }
            if line.hasSuffix("wrote:") || line.hasSuffix("wrote：") {
                // Yahoo writes `--- On Wed, 4/4/12, Name <a@b> wrote:`.
                let opener = line.drop { $0 == "-" || $0 == " " }
                if opener.hasPrefix("On ") { return Marker(index: index, kind: .attribution) }
                // Coremail (163.com, 126.com, many .edu.cn and .gov.cn systems) in English:
                // `At 2021-09-20 17:32:26, "Name" <a@b.cn> wrote:`.
                if opener.hasPrefix("At "), namesSenderOrTime(line) { return Marker(index: index, kind: .attribution) }
                // Foxmail 3 to 6: `在 2002-02-19 22:09:00 you wrote：`.
                if line.hasPrefix("在"), namesSenderOrTime(line) { return Marker(index: index, kind: .attribution) }
                if index > 0, lines[index - 1].trimmingSpaces().hasPrefix("On ") {
                    return Marker(index: index - 1, kind: .attribution, length: 2)
                }
            }
            if ["写道:", "写道：", "寫道:", "寫道："].contains(where: line.hasSuffix), namesSenderOrTime(line) {
                return Marker(index: index, kind: .attribution)
            }
            if isSeparator(line) { return Marker(index: index, kind: .separator) }
            if isHeaderLine(line, names: ["From", "发件人", "寄件者", "寄件人"]), startsHeaderBlock(lines, after: index) {
                let start = index > 0 && isRule(lines[index - 1].trimmingSpaces()) ? index - 1 : index
                return Marker(index: start, kind: .headerBlock)
            }
        }
        return nil
    }

    /// The line a mail client writes above an inline forward.
    private static func isForwardLine(_ line: String) -> Bool {
        if line.hasPrefix("Begin forwarded message") || line.hasPrefix("开始转发的邮件") { return true }
        guard line.hasPrefix("--") else { return false }
        let inner = line.trimmingCharacters(in: "- ").lowercased()
        return ["forwarded message", "转发邮件信息", "转发的邮件", "已转发邮件", "轉寄郵件", "转发邮件", "轉寄的郵件"].contains(inner)
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
        return [
            "original message", "原始邮件", "原邮件", "邮件原件", "回复的原邮件", "original", "原始郵件", "原郵件", "郵件原件",
        ].contains(inner)
    }

    private static func isRule(_ line: String) -> Bool {
        line.count >= 8 && line.allSatisfy { $0 == "_" || $0 == "-" }
    }

    private static func isHeaderLine(_ line: String, names: [String]) -> Bool {
        names.contains { line.hasPrefix($0 + ":") || line.hasPrefix($0 + "：") || line.hasPrefix($0 + " :") }
    }

    /// The first line of a block of `>` lines (blank lines allowed inside) that ends the text.
    /// Whether the first line with anything on it is quoted with `>`.
    private static func startsQuoted(_ lines: [Substring]) -> Bool {
        for raw in lines {
            let line = raw.utf8.count > maxMarkerLineBytes ? "x" : raw.trimmingSpaces()
            if !line.isEmpty { return line.hasPrefix(">") }
        }
        return false
    }

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
