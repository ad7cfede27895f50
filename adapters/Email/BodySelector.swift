import ComplaintCore

/// Picks the body a person reads and the parts that are attachments.
///
/// The body is chosen as Python's `EmailMessage.get_body(('plain', 'html'))` does: parts with
/// `Content-Disposition: attachment` are not the body (but for a plain-text one with no file
/// name, when no other part can be: scripts mark their text so, and mail readers show it); in `multipart/related` only the start
/// part is a candidate; elsewhere every text part is, and the first `text/plain` wins over any
/// `text/html` (unless it is empty). A `text/rtf` part is the body only when there is neither (Python's `get_body`
/// does not look at it; Lotus Notes and old Apple Mail send such messages), and a `text/calendar`
/// invitation only when there is nothing else.
///
/// One departure from Python: a text part that carries a file name is a file in every mail
/// reader, even marked `inline` (MIME::Lite's default; Apple Mail marks its attachments so too).
/// It is the body only when no part without a name is a candidate, so an HTML letter with a
/// `.txt` attached is read as the letter, not as the file.
///
/// Attachments are every other leaf part, except the other versions of the body inside the
/// `multipart/alternative` that holds it. A forwarded `message/rfc822` part is one attachment.
enum BodySelector {
    static func body(of message: MIMEPart) -> MIMEPart? {
        let ranked = candidates(message)
        var best: (rank: Int, part: MIMEPart)?
        for (rank, part) in ranked where best == nil || rank < best!.rank {
            best = (rank, part)
            if rank == 0 { break }
        }
        // An empty plain-text version beside an HTML one (some webmail and marketing tools write
        // the alternative empty), or one that only says to read the HTML, hides nothing: the
        // HTML is the letter.
        if let chosen = best?.part, chosen.mediaType == "text/plain",
            isBlank(chosen) || isPlaceholder(chosen),
            let other = ranked.filter({ $0.1 !== chosen && $0.1.mediaType != "text/plain" }).min(by: { $0.0 < $1.0 }),
            !isBlank(other.1)
        {
            return other.1
        }
        return best?.part
    }

    /// The plain-text parts that continue a plain-text body: Apple Mail (and other mailers) split a
    /// message around a picture placed inside its text, as `multipart/mixed` holding text, picture,
    /// text. Mail readers show those texts in order as the one message they are; so are they read
    /// here, instead of the words after the picture becoming a nameless attachment. Only inline
    /// `text/plain` siblings after the body, without a filename, continue it.
    static func continuations(of message: MIMEPart, body: MIMEPart?) -> [MIMEPart] {
        guard let body, body.mediaType == "text/plain", let parent = parent(of: body, in: message),
            parent.mediaType == "multipart/mixed",
            let index = parent.children.firstIndex(where: { $0 === body })
        else { return [] }
        return parent.children[(index + 1)...].filter {
            $0.mediaType == "text/plain" && !$0.isAttachment && $0.filename == nil
        }
    }

    static func attachments(of message: MIMEPart, body: MIMEPart?) -> [MIMEPart] {
        let continuing = continuations(of: message, body: body)
        var result: [MIMEPart] = []
        func visit(_ part: MIMEPart, insideBodyAlternative: Bool) {
            if part.isMultipart {
                let holdsBody =
                    part.mediaType == "multipart/alternative" && body.map { contains(part, $0) } == true
                for child in part.children where !isMacMetadata(child, in: part) {
                    visit(child, insideBodyAlternative: insideBodyAlternative || holdsBody)
                }
                return
            }
            if part === body || continuing.contains(where: { $0 === part }) { return }
            if insideBodyAlternative, part.mediaType.hasPrefix("text/"), !part.isAttachment { return }
            result.append(part)
        }
        if message.isMultipart {
            visit(message, insideBodyAlternative: false)
        } else if message !== body {
            result.append(message)
        }
        return result
    }

    /// The Mac half of an AppleDouble file (RFC 1740): Apple Mail sends a file as
    /// `multipart/appledouble`, an `application/applefile` part (Finder information and resource
    /// fork, under the file's own name) beside the file's data. Mail readers show the data alone;
    /// the metadata listed too would be a second file of the same name that opens as nothing.
    private static func isMacMetadata(_ part: MIMEPart, in parent: MIMEPart) -> Bool {
        parent.mediaType == "multipart/appledouble" && part.mediaType == "application/applefile"
            && parent.children.contains { $0.mediaType != "application/applefile" }
    }

    /// Whether a text part holds nothing but whitespace. Asked of nearly every message's body:
    /// any byte above a space ends it before the text is decoded from its charset.
    private static func isBlank(_ part: MIMEPart) -> Bool {
        let bytes = part.decodedBody
        if bytes.contains(where: { $0 > 0x20 }) { return false }
        return TextNormalizer.normalize(part.text(of: bytes).text).isEmpty
    }

    /// A plain-text version that only tells the reader to open the HTML one ("This is an HTML
    /// message. Please use an HTML capable mail program", "此邮件为HTML格式"): short, naming HTML,
    /// and saying nothing else.
    private static func isPlaceholder(_ part: MIMEPart) -> Bool {
        let bytes = part.decodedBody
        guard bytes.count <= 300 else { return false }
        let text = part.text(of: bytes).text.lowercased()
        guard text.contains("html") else { return false }
        return [
            "html capable", "html-capable", "html compatible", "html format", "html version", "html格式", "html 格式",
            "支持html", "supports html", "view this message", "view this email",
        ].contains { text.contains($0) }
    }

    /// Rank of a named text part: after every part without a name.
    private static let namedPenalty = 10

    /// Rank of a plain-text part marked as an attachment but with no file name (a script's
    /// mislabelled body): the body only when nothing else can be.
    private static let unnamedAttachmentRank = 100

    private static func candidates(_ part: MIMEPart) -> [(Int, MIMEPart)] {
        if part.isAttachment {
            let unnamedText = part.mediaType == "text/plain" && part.filename == nil
            return unnamedText ? [(unnamedAttachmentRank, part)] : []
        }
        let type = part.mediaType
        let penalty = part.filename == nil ? 0 : namedPenalty
        if type == "text/plain" { return [(0 + penalty, part)] }
        if type == "text/html" { return [(1 + penalty, part)] }
        // Rich text as the body is rare (Lotus Notes, old Apple Mail), but it is the message then.
        if type == "text/rtf" { return [(2 + penalty, part)] }
        // An invitation sent with no text beside it: the event's summary and description.
        if type == "text/calendar" { return [(3 + penalty, part)] }
        guard part.isMultipart else { return [] }
        if type != "multipart/related" { return part.children.flatMap(candidates) }
        let start = part.contentType["start"]
        let startPart =
            start.flatMap { start in part.children.first { $0.headers["Content-ID"] == start } } ?? part.children.first
        return startPart.map(candidates) ?? []
    }

    /// The multipart that holds `target` directly.
    private static func parent(of target: MIMEPart, in container: MIMEPart) -> MIMEPart? {
        for child in container.children {
            if child === target { return container }
            if let found = parent(of: target, in: child) { return found }
        }
        return nil
    }

    private static func contains(_ container: MIMEPart, _ target: MIMEPart) -> Bool {
        if container === target { return true }
        return container.children.contains { contains($0, target) }
    }
}

/// The body part a person reads, by the rule of ``BodySelector`` (for tools and benchmarks).
public enum EmailBody {
    public static func select(_ message: MIMEPart) -> MIMEPart? { BodySelector.body(of: message) }
}
