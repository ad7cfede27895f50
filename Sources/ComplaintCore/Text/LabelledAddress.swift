/// The place a citizen names on a labelled line of a message (`事发地址：西湖区文三路12号`,
/// `Address: 12 Main St, Springfield`), for `location.address`: what lets `address_contains`
/// rules route a mail or a text message as they route a hotline call, whose address has a column.
///
/// Read as people write a contact block or a clause: the label at the start of a line (after a
/// bullet or a number) or opening a clause (`…，事发地点：…`), then a colon. A label inside a word
/// (`邮箱地址`, `IP地址`) or without a colon (`地址在哪里`) is prose, not a label. The place where it
/// happened (`事发地址`, `事发地点`, …) wins over an address that may be the writer's own (`地址`,
/// `住址`, `联系地址`), wherever each stands.
public enum LabelledAddress {
    /// Labels for the place the complaint is about.
    static let incidentLabels = [
        "事发地址", "事发地点", "事发位置", "发生地址", "发生地点", "问题地址", "问题地点", "投诉地址", "投诉地点",
        "具体地址", "具体地点", "具体位置", "详细地址", "详细位置", "事發地址", "事發地點", "發生地點", "詳細地址",
        "incident address", "incident location",
    ]
    /// Labels for an address that may be the writer's (longest first: `联系地址` before `地址`).
    static let otherLabels = [
        "家庭住址", "家庭地址", "居住地址", "联系地址", "通讯地址", "聯絡地址", "住址", "地址", "地點", "地点", "位置",
        "address", "location",
    ]
    /// A contact line is short; a paragraph is searched only this far.
    static let lineBytes = 400
    /// The longest address taken, in characters: past it the line is prose, not an address.
    static let longest = 120
    /// What people write where they have no address to give.
    static let placeholders: Set<String> = [
        "无", "暂无", "不详", "未知", "略", "同上", "见附件", "见图", "见图片", "见照片", "见下", "见上", "n/a", "na", "none",
        "unknown", "-", "/",
    ]
    /// Words that make a label the writer's own, before it.
    static let owners = ["我的", "我家", "本人", "我"]
    /// Before a label that opens a clause.
    static let clauseOpeners: Set<Character> = ["。", "，", ",", "；", ";", "！", "!", "、", " ", "\t", "\u{3000}"]
    /// What may come before a label at a line's start: bullets, list numbers, spaces.
    static let lineOpeners = Set<Character>("-*•·●○◆■#0123456789.、)）(（ \t\u{3000}")
    /// Where a Chinese-labelled address ends: a clause's end, or a wide gap before the next field.
    static let stops: Set<Character> = ["，", "；", "。", ";", ",", "\t", "\u{3000}", "！", "!"]

    /// The labels as UTF-8 (Latin ones lowercase), compared with a line's bytes.
    static let incidentBytes = incidentLabels.map { Array($0.utf8) }
    static let otherBytes = otherLabels.map { Array($0.utf8) }
    static let ownerBytes = owners.map { Array($0.utf8) }

    /// The first labelled address in `text`, or nil.
    public static func find(in text: String) -> String? {
        // Lines are split on bytes: a body can be one line of megabytes, of which little is read.
        // Only a line with a colon, or a label's last character, can hold one; telling is a byte
        // scan, and most lines end there.
        let all = text.utf8.split(separator: 0x0A)
        var lines: [(bytes: [UInt8], index: Int)] = []
        for (index, bytes) in all.enumerated() {
            let clipped = bytes.prefix(lineBytes)
            // A quoted line (`> …`) is someone else's words.
            guard clipped.first(where: { $0 != 0x20 }) != UInt8(ascii: ">") else { continue }
            guard clipped.contains(0x3A) || clipped.contains(0x9A) || mayHoldUnpunctuatedLabel(clipped) else {
                continue
            }
            lines.append((Array(clipped), index))
        }
        for (labels, bare) in [(incidentBytes, bareIncident), (otherBytes, bareOther)] {
            for line in lines {
                if let found = address(on: line.bytes, labels: labels, next: { nextLine(all, after: line.index) }) {
                    return found
                }
                if let found = unpunctuated(on: line.bytes, labels: labels, bare: bare) { return found }
            }
        }
        return nil
    }

    /// The line after `index` that may be a label's value: not blank (a blank one between is
    /// passed), not quoted, and without a colon (a line of its own, `电话：…`).
    private static func nextLine(_ lines: [Substring.UTF8View], after index: Int) -> Substring? {
        for next in lines.dropFirst(index + 1).prefix(2) {
            let text = Substring(String(decoding: next.prefix(lineBytes), as: UTF8.self))
            let trimmed = text.drop { $0.isWhitespace }
            if trimmed.isEmpty { continue }
            guard trimmed.first != ">", !trimmed.contains(":"), !trimmed.contains("：") else { return nil }
            return trimmed
        }
        return nil
    }

    /// Looks at each colon of the line (`:`, or `：` EF BC 9A): the bytes right before it,
    /// compared with each label from the colon back. Text is made of the line only where a
    /// label matched.
    private static func address(on line: [UInt8], labels: [[UInt8]], next: () -> Substring?) -> String? {
        var at = 0
        while at < line.count {
            let colonLength =
                line[at] == 0x3A ? 1 : (line[at] == 0xEF && line[(at + 1)...].starts(with: [0xBC, 0x9A]) ? 3 : 0)
            guard colonLength > 0 else {
                at += 1
                continue
            }
            defer { at += colonLength }
            var end = at
            while true {
                if end > 0 && line[end - 1] == 0x20 {
                    end -= 1
                } else if end >= 3 && line[(end - 3)..<end].elementsEqual([0xE3, 0x80, 0x80]) {
                    end -= 3
                } else {
                    break
                }
            }
            for label in labels where end >= label.count && endsWith(line, at: end, label) {
                let latin = label[0] < 0x80
                guard let atLineStart = opens(label, endingAt: end, in: line) else { break }
                let rest = String(decoding: line[(at + colonLength)...], as: UTF8.self)
                if let value = value(rest[...], latin: latin) { return value }
                // A label alone on its line (`事发地址：`, a form's field) names the next line.
                if rest.allSatisfy(\.isWhitespace), atLineStart, let following = next() {
                    return value(following, latin: latin)
                }
                break
            }
        }
        return nil
    }

    /// Whether the label ending at `end` stands where a label may (the writer's own before it,
    /// `我家地址`, counts): at the line's start after bullets, or, Chinese, opening a clause. Not
    /// inside a word (`邮箱地址`); a Latin one only at the line's start (`Email address:` is no
    /// place). - Returns: Whether it is at the line's start; nil where it is no label.
    static func opens(_ label: [UInt8], endingAt end: Int, in line: [UInt8]) -> Bool? {
        let latin = label[0] < 0x80
        var opening = end - label.count
        if !latin, let owner = ownerBytes.first(where: { opening >= $0.count && endsWith(line, at: opening, $0) }) {
            opening -= owner.count
        }
        let before = String(decoding: line[..<opening], as: UTF8.self)
        if before.allSatisfy({ lineOpeners.contains($0) }) { return true }
        return !latin && before.last.map { clauseOpeners.contains($0) } == true ? false : nil
    }

    /// Whether `line` holds `label` right before `end`, ASCII letters in any case.
    static func endsWith(_ line: [UInt8], at end: Int, _ label: [UInt8]) -> Bool {
        var index = end - label.count
        for byte in label {
            let found = line[index]
            guard found == byte || ((0x41...0x5A).contains(found) && found | 0x20 == byte) else { return false }
            index += 1
        }
        return true
    }

    /// The address after the colon: to the clause's end (a Latin-labelled one keeps its commas,
    /// `12 Main St, Springfield`), trimmed; nil when it is empty, a placeholder, too long to be
    /// an address, or another kind of contact (an email address, a link).
    static func value(_ text: Substring, latin: Bool) -> String? {
        // White space between the colon and the address is no field's end.
        let text = text.drop { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }
        var end = text.endIndex
        var previousSpace = false
        for index in text.indices {
            let character = text[index]
            if character == " " {
                // Two spaces part the fields of a line typed in columns.
                if previousSpace {
                    end = text.index(before: index)
                    break
                }
                previousSpace = true
                continue
            }
            previousSpace = false
            if stops.contains(character) && !(latin && character == ",") {
                end = index
                break
            }
        }
        var value = TextNormalizer.normalize(String(text[..<end]))
        // (U+FFFD: a character the line's byte limit cut in two.)
        while let last = value.last, last == "." || last == "。" || last == "\u{FFFD}" { value.removeLast() }
        guard value.count >= 2, value.count <= longest, !placeholders.contains(value.lowercased()),
            !value.contains("@"), !value.lowercased().hasPrefix("http")
        else { return nil }
        return value
    }
}
