import ComplaintCore

/// The messages a mail forwards as attachments (`message/rfc822`: Outlook's "Forward as
/// Attachment", Thunderbird's "Forward As > Attachment"), read into the complaint's text.
///
/// An office that passes a citizen's letter on this way often writes one line ("请处理") or
/// nothing above it: the complaint itself is the attached message. Mail readers show it under the
/// note, so it is read here as an inline forward reads: a `Forwarded message` line, the original's
/// From, Date, To and Subject, then its body (quoted history trimmed by its own subject, as the
/// outer text is). Messages forwarded inside it follow, to ``maxDepth`` levels. The attachment
/// stays listed in the record, and the raw message keeps every byte.
enum ForwardedMessages {
    static let maxDepth = 3
    static let marker = "---------- Forwarded message ----------"

    /// The forwarded messages' text, one block each, and how many there were.
    static func text(of message: MIMEPart, body: MIMEPart?) -> (text: String, count: Int) {
        var blocks: [String] = []
        collect(message, body: body, depth: 1, into: &blocks)
        return (blocks.joined(separator: "\n\n"), blocks.count)
    }

    private static func collect(_ message: MIMEPart, body: MIMEPart?, depth: Int, into blocks: inout [String]) {
        guard depth <= maxDepth else { return }
        for part in BodySelector.attachments(of: message, body: body) {
            guard part.mediaType.hasPrefix("message/"), let inner = part.embedded else { continue }
            let innerBody = BodySelector.body(of: inner)
            blocks.append(block(for: inner, body: innerBody))
            collect(inner, body: innerBody, depth: depth + 1, into: &blocks)
        }
    }

    private static func block(for inner: MIMEPart, body: MIMEPart?) -> String {
        var lines = [marker]
        var subject: String?
        for name in ["From", "Date", "Subject", "To"] {
            if let value = inner.headers[name].flatMap({
                TextNormalizer.normalizeOptional(EmailComplaintBuilder.singleLine($0))
            }) {
                lines.append("\(name): \(value)")
                if name == "Subject" { subject = value }
            }
        }
        let text = MessageText(of: inner, body: body).text
        let trimmed = QuotedReply.trim(
            TextNormalizer.normalize(text), subject: subject, threaded: QuotedReply.isThreaded(inner.headers)
        ).text
        return lines.joined(separator: "\n") + (trimmed.isEmpty ? "" : "\n\n" + trimmed)
    }
}
