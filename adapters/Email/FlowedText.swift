/// `text/plain; format=flowed` (RFC 3676), as Apple Mail, Thunderbird and many phone mail apps
/// send it: a line ending in a space is a soft break inside a paragraph, so the paragraph is
/// joined back into one line. Without this a complaint's sentences arrive cut every 72 or so
/// characters.
enum FlowedText {
    /// `text` with soft breaks joined. `deleteSpace` (`delsp=yes`): the space that marks a soft
    /// break was added by the sender and is removed too (languages written without spaces, such
    /// as Chinese, are sent this way).
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var paragraphs: [String] = []
        var current: String?
        var currentDepth = 0
        // By Character, "\r\n" is one: split on every kind of line end.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            // Quote depth, then space-stuffing (§4.4, §4.5).
            let depth = line.prefix { $0 == ">" }.count
            var content = line.dropFirst(depth)
            if content.hasPrefix(" ") { content = content.dropFirst() }
            // A paragraph continues only at the same quote depth (§4.5).
            if let open = current, depth != currentDepth {
                paragraphs.append(open)
                current = nil
            }
            // "-- " is the signature separator, never a soft break (§4.3).
            let flowed = content.hasSuffix(" ") && content != "-- "
            if flowed && deleteSpace { content = content.dropLast() }
            let quote = String(repeating: ">", count: depth) + (depth > 0 ? " " : "")
            if current == nil {
                current = quote + content
            } else {
                current! += content
            }
            currentDepth = depth
            if !flowed {
                paragraphs.append(current!)
                current = nil
            }
        }
        if let open = current { paragraphs.append(open) }
        return paragraphs.joined(separator: "\n")
    }
}
