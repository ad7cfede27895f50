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
    static let lineOpeners = Set<Character>("-*•·●○◆■>#0123456789.、)）(（ \t\u{3000}")
    /// Where a Chinese-labelled address ends: a clause's end, or a wide gap before the next field.
    static let stops: Set<Character> = ["，", "；", "。", ";", ",", "\t", "\u{3000}", "！", "!"]

    /// The first labelled address in `text`, or nil.
    public static func find(in text: String) -> String? {
        // Lines are split on bytes: a body can be one line of megabytes, of which little is read.
        // Only a line with a colon can hold a label; finding one is a byte scan, most lines end there.
        let lines = text.utf8.split(separator: 0x0A).compactMap { bytes -> Substring? in
            let clipped = bytes.prefix(lineBytes)
            return hasColon(clipped) ? Substring(clipped) : nil
        }
        for labels in [incidentLabels, otherLabels] {
            for line in lines {
                if let found = address(on: line, labels: labels) { return found }
            }
        }
        return nil
    }

    /// Whether `bytes` hold `:` or the full-width `：` (EF BC 9A).
    private static func hasColon(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in bytes {
            if byte == 0x3A || (byte == 0x9A && previous == (0xEF, 0xBC)) { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// Looks at each colon of the line: the words right before it, read against `labels`. (A
    /// line without a colon, most of any text, costs one scan.)
    private static func address(on line: Substring, labels: [String]) -> String? {
        var from = line.startIndex
        while let colon = line[from...].firstIndex(where: { $0 == ":" || $0 == "：" }) {
            from = line.index(after: colon)
            var end = colon
            while end > line.startIndex, [" ", "\u{3000}"].contains(line[line.index(before: end)]) {
                end = line.index(before: end)
            }
            let before = line[..<end]
            for label in labels where before.count >= label.count {
                let latin = label.first!.isASCII
                guard (latin ? before.suffix(label.count).lowercased() : String(before.suffix(label.count))) == label
                else { continue }
                var opening = before.dropLast(label.count)
                // The writer's own (`我家地址：`, `本人住址：`) is a label too.
                if !latin, let owner = owners.first(where: { opening.hasSuffix($0) }) {
                    opening = opening.dropLast(owner.count)
                }
                // A Latin label only starts a line: "Email address:" is no place.
                guard
                    opening.allSatisfy({ lineOpeners.contains($0) })
                        || (!latin && opening.last.map { clauseOpeners.contains($0) } == true)
                else { break }
                if let value = value(line[from...], latin: latin) { return value }
                break
            }
        }
        return nil
    }

    /// The address after the colon: to the clause's end (a Latin-labelled one keeps its commas,
    /// `12 Main St, Springfield`), trimmed; nil when it is empty, a placeholder, too long to be
    /// an address, or another kind of contact (an email address, a link).
    private static func value(_ text: Substring, latin: Bool) -> String? {
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
        while let last = value.last, last == "." || last == "。" { value.removeLast() }
        guard value.count >= 2, value.count <= longest, !placeholders.contains(value.lowercased()),
            !value.contains("@"), !value.lowercased().hasPrefix("http")
        else { return nil }
        return value
    }
}
