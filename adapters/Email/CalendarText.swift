/// An invitation's text (`text/calendar`, RFC 5545), for a message that has no other body: what
/// a mail reader shows of the event: its summary, where, and its description.
///
/// Content lines are unfolded (a line starting with a space or tab continues the one before);
/// property parameters (`DESCRIPTION;LANGUAGE=zh-CN:`) are skipped; text escapes (`\n`, `\,`,
/// `\;`, `\\`) are undone. Only the first event is read.
enum CalendarText {
    static func text(_ source: String) -> String {
        var fields: [String: String] = [:]
        var inEvent = false
        for line in unfolded(source) {
            let upper = line.uppercased()
            if upper == "BEGIN:VEVENT" {
                inEvent = true
            } else if upper == "END:VEVENT" {
                break
            } else if inEvent, let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].prefix { $0 != ";" }.uppercased()
                if ["SUMMARY", "LOCATION", "DESCRIPTION"].contains(name), fields[name] == nil {
                    fields[name] = unescaped(line[line.index(after: colon)...])
                }
            }
        }
        var lines: [String] = []
        if let summary = fields["SUMMARY"], !summary.isEmpty { lines.append(summary) }
        if let location = fields["LOCATION"], !location.isEmpty { lines.append(location) }
        if let description = fields["DESCRIPTION"], !description.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines.append(description)
        }
        return lines.joined(separator: "\n")
    }

    private static func unfolded(_ source: String) -> [String] {
        var lines: [String] = []
        for raw in source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(raw)
            if line.last == "\r" { line = line.dropLast() }
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += line.dropFirst()
            } else {
                lines.append(String(line))
            }
        }
        return lines
    }

    private static func unescaped(_ value: Substring) -> String {
        var result = ""
        var escaping = false
        for character in value {
            if escaping {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
