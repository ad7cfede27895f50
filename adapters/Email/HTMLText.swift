import Foundation

/// HTML to readable plain text, for HTML-only mail.
///
/// Not a browser: enough for mail bodies. Scripts, styles, the head, comments and processing instructions are dropped;
/// block elements and `<br>` become line breaks, table cells are separated by a space; runs of
/// whitespace collapse (except inside `<pre>`); character references are decoded; each line is
/// trimmed and runs of blank lines collapse to one.
public enum HTMLText {
    public static func text(from html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count / 2)
        let scalars = Array(html.unicodeScalars)
        var index = 0
        var preDepth = 0
        var pendingSpace = false
        // The open `<a>`'s address and where its text starts in `output`.
        var link: (href: String, start: Int)?
        func emit(_ text: String) {
            if pendingSpace, !output.isEmpty, output.last != "\n" { output.append(" ") }
            pendingSpace = false
            output.append(text)
        }
        func newline() {
            pendingSpace = false
            output.append("\n")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                if case (let tag, let closing, let next)? = readTag(scalars, at: index) {
                    let tagStart = index
                    index = next
                    if tag == "!--" || tag == "?" { continue }
                    if tag == "a" {
                        // A link's address is part of what the citizen sends (a photo album, a
                        // news story): kept after its text unless the text already shows it.
                        if !closing {
                            link = Self.attribute("href", in: scalars[tagStart..<next]).flatMap { href in
                                Self.linkSchemes.contains { href.lowercased().hasPrefix($0) }
                                    ? (href, output.count) : nil
                            }
                        } else if let (href, start) = link {
                            link = nil
                            let shown = output.dropFirst(start)
                            let plain = href.hasPrefix("mailto:") ? String(href.dropFirst(7)) : href
                            if !shown.contains(plain) { emit(shown.isEmpty ? plain : " (\(plain))") }
                        }
                        continue
                    }
                    if !closing, skippedElements.contains(tag) {
                        index = skipElement(scalars, from: index, name: tag)
                        continue
                    }
                    if tag == "pre" { preDepth += closing ? (preDepth > 0 ? -1 : 0) : 1 }
                    if tag == "br" || blockElements.contains(tag) {
                        newline()
                    } else if tag == "td" || tag == "th" {
                        pendingSpace = true
                    }
                    continue
                }
            }
            if scalar == "&" {
                let (decoded, next) = entity(scalars, at: index)
                index = next
                emit(decoded)
                continue
            }
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
                if preDepth > 0 {
                    if scalar == "\n" { newline() } else if scalar != "\r" { output.unicodeScalars.append(scalar) }
                } else {
                    pendingSpace = true
                }
                index += 1
                continue
            }
            if pendingSpace { emit("") }
            output.unicodeScalars.append(scalar)
            index += 1
        }
        return tidy(output)
    }

    private static let skippedElements: Set<String> = ["script", "style", "head", "title", "template", "noscript"]
    private static let blockElements: Set<String> = [
        "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "hr", "section", "article", "header", "footer", "address", "dl", "dt", "dd", "form", "fieldset",
        "figure", "figcaption", "main", "nav", "aside", "caption", "thead", "tbody", "tfoot", "body", "html",
    ]

    private static let linkSchemes = ["http://", "https://", "mailto:"]

    /// The value of attribute `name` in a tag's text (`<a href="…">`), entities decoded.
    private static func attribute(_ name: String, in tag: ArraySlice<Unicode.Scalar>) -> String? {
        let text = String(String.UnicodeScalarView(tag))
        let lowered = text.lowercased()
        var searchFrom = lowered.startIndex
        while let range = lowered.range(of: name, range: searchFrom..<lowered.endIndex) {
            searchFrom = range.upperBound
            guard let previous = lowered[..<range.lowerBound].last, previous.isWhitespace else { continue }
            var rest = text[range.upperBound...].drop { $0.isWhitespace }
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop { $0.isWhitespace }
            let value: Substring
            if let quote = rest.first, quote == "\"" || quote == "'" {
                value = rest.dropFirst().prefix { $0 != quote }
            } else {
                value = rest.prefix { !$0.isWhitespace && $0 != ">" }
            }
            let scalars = Array(value.unicodeScalars)
            var decoded = ""
            var index = 0
            while index < scalars.count {
                if scalars[index] == "&" {
                    let (entity, next) = entity(scalars, at: index)
                    decoded += entity
                    index = next
                } else {
                    decoded.unicodeScalars.append(scalars[index])
                    index += 1
                }
            }
            return decoded.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// At `<`: the lowercased tag name, whether it closes, and the index after `>`; nil when this `<` is text.
    private static func readTag(_ s: [Unicode.Scalar], at start: Int) -> (String, Bool, Int)? {
        var index = start + 1
        if index + 2 < s.count, s[index] == "!", s[index + 1] == "-", s[index + 2] == "-" {
            // Comment: to the next `-->`, or to the end.
            var look = index + 3
            while look + 2 < s.count, !(s[look] == "-" && s[look + 1] == "-" && s[look + 2] == ">") { look += 1 }
            return ("!--", false, min(s.count, look + 3))
        }
        if index + 1 < s.count, s[index] == "?", s[index + 1].properties.isAlphabetic {
            // A processing instruction (`<?xml version="1.0"?>`, which Hotmail writes atop its HTML
            // and again inside a reply): to the next `?>`, or to the end.
            var look = index + 1
            while look + 1 < s.count, !(s[look] == "?" && s[look + 1] == ">") { look += 1 }
            return ("?", false, min(s.count, look + 2))
        }
        var closing = false
        if index < s.count, s[index] == "/" {
            closing = true
            index += 1
        }
        let nameStart = index
        while index < s.count, s[index].properties.isAlphabetic || ("0"..."9").contains(s[index]) || s[index] == "!" {
            index += 1
        }
        guard index > nameStart else { return nil }
        let name = String(String.UnicodeScalarView(s[nameStart..<index])).lowercased()
        var quote: Unicode.Scalar?
        while index < s.count {
            let c = s[index]
            if let open = quote {
                if c == open { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == ">" {
                return (name, closing, index + 1)
            }
            index += 1
        }
        return (name, closing, s.count)
    }

    /// Skips to just after `</name>` (case-insensitive), or to the end.
    private static func skipElement(_ s: [Unicode.Scalar], from start: Int, name: String) -> Int {
        var index = start
        while index < s.count {
            if s[index] == "<", index + 1 < s.count, s[index + 1] == "/",
                case (let tag, let closing, let next)? = readTag(s, at: index), closing, tag == name
            {
                return next
            }
            index += 1
        }
        return s.count
    }

    /// At `&`: the decoded reference (or `&` itself) and the index after it.
    private static func entity(_ s: [Unicode.Scalar], at start: Int) -> (String, Int) {
        var index = start + 1
        let nameStart = index
        while index < s.count, index - nameStart < 32, s[index] != ";", s[index] != "&", s[index] != "<",
            !s[index].properties.isWhitespace
        {
            index += 1
        }
        let name = String(String.UnicodeScalarView(s[nameStart..<index]))
        let next = index < s.count && s[index] == ";" ? index + 1 : index
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            if let value, let scalar = Unicode.Scalar(value), value != 0 {
                return (String(Character(scalar)), next)
            }
            return ("\u{FFFD}", next)
        }
        if let named = HTMLEntities.named[name] { return (named, next) }
        return ("&", start + 1)
    }

    /// Trims each line, drops spaces before line breaks, and keeps at most one blank line in a row.
    private static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\u{A0}" }.reversed().drop { $0 == " " || $0 == "\u{A0}" }
            let value = Substring(String(trimmed.reversed()))
            if value.isEmpty {
                blank += 1
                if blank > 1 || lines.isEmpty { continue }
            } else {
                blank = 0
            }
            lines.append(value)
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
