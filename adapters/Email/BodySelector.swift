/// Picks the body a person reads and the parts that are attachments.
///
/// The body is chosen as Python's `EmailMessage.get_body(('plain', 'html'))` does: parts with
/// `Content-Disposition: attachment` are never the body; in `multipart/related` only the start
/// part is a candidate; elsewhere every text part is, and the first `text/plain` wins over any
/// `text/html`.
///
/// Attachments are every other leaf part, except the other versions of the body inside the
/// `multipart/alternative` that holds it. A forwarded `message/rfc822` part is one attachment.
enum BodySelector {
    static func body(of message: MIMEPart) -> MIMEPart? {
        var best: (rank: Int, part: MIMEPart)?
        for (rank, part) in candidates(message) where best == nil || rank < best!.rank {
            best = (rank, part)
            if rank == 0 { break }
        }
        return best?.part
    }

    static func attachments(of message: MIMEPart, body: MIMEPart?) -> [MIMEPart] {
        var result: [MIMEPart] = []
        func visit(_ part: MIMEPart, insideBodyAlternative: Bool) {
            if part.isMultipart {
                let holdsBody =
                    part.mediaType == "multipart/alternative" && body.map { contains(part, $0) } == true
                for child in part.children { visit(child, insideBodyAlternative: insideBodyAlternative || holdsBody) }
                return
            }
            if part === body { return }
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

    private static func candidates(_ part: MIMEPart) -> [(Int, MIMEPart)] {
        if part.isAttachment { return [] }
        let type = part.mediaType
        if type == "text/plain" { return [(0, part)] }
        if type == "text/html" { return [(1, part)] }
        guard part.isMultipart else { return [] }
        if type != "multipart/related" { return part.children.flatMap(candidates) }
        let start = part.contentType["start"]
        let startPart =
            start.flatMap { start in part.children.first { $0.headers["Content-ID"] == start } } ?? part.children.first
        return startPart.map(candidates) ?? []
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
