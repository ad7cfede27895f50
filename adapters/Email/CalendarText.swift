/// An invitation's text (`text/calendar`, RFC 5545), for a message that has no other body: what
/// a mail reader shows of the event: its summary, where, and its description.
///
/// Content lines are unfolded (a line starting with a space or tab continues the one before; on
/// the bytes, before decoding, by ``unfolded(_:)``);
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

    /// The calendar's bytes with every fold removed (a line break and the space or tab after it),
    /// so that a character folded in the middle of its bytes is whole again before decoding.
    static func unfolded(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var next = index + 1
            if byte == 0x0D, next < bytes.count, bytes[next] == 0x0A { next += 1 }
            if byte == 0x0A || (byte == 0x0D && next == index + 2), next < bytes.count,
                bytes[next] == 0x20 || bytes[next] == 0x09
            {
                index = next + 1
                continue
            }
            result.append(byte)
            index += 1
        }
        return result
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
