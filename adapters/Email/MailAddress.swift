/// A mailbox from an address header: display name and address.
public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String

    /// The first mailbox in a decoded address header: `"Name" <a@b>`, `Name <a@b>`, `a@b (Name)`, `a@b`.
    /// The domain is lowercased (it is case-insensitive; the local part is not).
    public static func parse(_ header: String) -> MailAddress? {
        // A list (`"张三" <zs@x.cn>, "李四" <ls@x.cn>`): the first mailbox. Pieces before the first
        // address join it, for a name with an unquoted comma (`Zhang, San <zs@x.cn>`).
        var first = ""
        for piece in topLevelPieces(header) {
            first += first.isEmpty ? piece : "," + piece
            if piece.contains("@") { break }
        }
        return parseMailbox(first)
    }

    /// The header cut at commas outside quoted strings, angle brackets and comments.
    private static func topLevelPieces(_ header: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        var angle = 0
        var comment = 0
        for character in header {
            if escaped {
                escaped = false
            } else if character == "\\" && (inQuotes || comment > 0) {
                escaped = true
            } else if character == "\"" && comment == 0 {
                inQuotes.toggle()
            } else if !inQuotes {
                switch character {
                case "<": angle += 1
                case ">": angle = max(0, angle - 1)
                case "(": comment += 1
                case ")": comment = max(0, comment - 1)
                case "," where angle == 0 && comment == 0:
                    pieces.append(current)
                    current = ""
                    continue
                default: break
                }
            }
            current.append(character)
        }
        pieces.append(current)
        return pieces
    }

    private static func parseMailbox(_ header: String) -> MailAddress? {
        var value = Substring(header)
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            let address = value[value.index(after: open)..<close].trimmingSpaces()
            let name = unquote(String(value[..<open]).trimmingSpaces())
            guard !address.isEmpty else { return nil }
            return MailAddress(name: name.isEmpty ? nil : name, address: lowercasingDomain(address))
        }
        var name: String?
        if let open = value.firstIndex(of: "("), let close = value[open...].lastIndex(of: ")") {
            name = String(value[value.index(after: open)..<close]).trimmingSpaces()
            value = value[..<open]
        }
        // A group or list: take the first mailbox.
        if let comma = value.firstIndex(of: ",") { value = value[..<comma] }
        let address = String(value).trimmingSpaces()
        guard address.contains("@") else { return nil }
        return MailAddress(name: name.flatMap { $0.isEmpty ? nil : $0 }, address: lowercasingDomain(address))
    }

    private static func unquote(_ s: String) -> String {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else { return s }
        var result = ""
        var escaped = false
        for character in s.dropFirst().dropLast() {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result.trimmingSpaces()
    }

    private static func lowercasingDomain(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[..<at]) + address[at...].lowercased()
    }
}

/// Message-ID lists (`Message-ID`, `In-Reply-To`, `References`).
public enum MessageIDs {
    /// The ids in `header`, without angle brackets, in order, duplicates removed.
    ///
    /// Ids are taken from `<...>`; a header without brackets (some mailers) is split on whitespace.
    public static func parse(_ header: String) -> [String] {
        var ids: [String] = []
        var seen = Set<String>()
        func add(_ id: Substring) {
            let trimmed = id.trimmingSpaces()
            guard !trimmed.isEmpty, trimmed.count <= 998, seen.insert(trimmed).inserted else { return }
            ids.append(trimmed)
        }
        var rest = Substring(header)
        var foundBracket = false
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            foundBracket = true
            add(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
        }
        if !foundBracket {
            for token in header.split(whereSeparator: { $0.isWhitespace || $0 == "," }) { add(token) }
        }
        return ids
    }
}

extension Substring {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}
