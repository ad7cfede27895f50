extension LabelledAddress {
    /// Labels too common in prose to be read without a colon after them (`位置 不对`).
    static let colonOnly: Set<String> = ["地点", "地點", "位置"]
    /// The Chinese labels a line may begin without a colon, as a two-column form mailed as HTML
    /// (`<td>事发地址</td><td>西湖区…</td>`) reads once its cells are text.
    static let bareIncident = incidentBytes.filter { $0[0] >= 0x80 }
    static let bareOther = otherBytes.filter {
        $0[0] >= 0x80 && !colonOnly.contains(String(decoding: $0, as: UTF8.self))
    }

    /// Connectives between a label and the place in a sentence: `地址是…`, `事发地点在…`.
    static let connectives = ["位于", "位於", "在", "是", "为", "為"]
    /// Characters that name a place (a district, a road, a number, a building): one must come
    /// early in a value read without a colon, or it is prose (`地址不对`, `地点在哪里`).
    static let placeCharacters = Set("省市区區县縣镇鎮乡鄉村街路巷弄号號楼樓栋棟幢园園场場站桥橋湾灣苑庄莊")
    /// How a value read without a colon may not begin: a denial or a question (`地址没写`).
    static let notPlaces = Set("不没沒无無未哪什怎啥")
    /// A label's last character as UTF-8 (址 点 點 置): where the byte scan looks back for one.
    static let labelEnds: [[UInt8]] = ["址", "点", "點", "置"].map { Array($0.utf8) }

    /// A label without a colon: one beginning its line before white space (a two-column form,
    /// `事发地址 西湖区文三路12号`), or one opening a clause of a sentence, a connective after it
    /// or none (`路灯不亮，地址在滨江区江南大道2号`, `地址西湖区文三路12号`) when a place follows.
    static func unpunctuated(on line: [UInt8], labels: [[UInt8]], bare: [[UInt8]]) -> String? {
        if let rest = bareLabel(line, among: bare), let found = value(rest, latin: false) { return found }
        var at = 0
        while at + 3 <= line.count {
            guard line[at] >= 0xE0, labelEnds.contains(where: { line[at..<(at + 3)].elementsEqual($0) }) else {
                at += 1
                continue
            }
            let end = at + 3
            at = end
            for label in labels where label[0] >= 0x80 && end >= label.count && endsWith(line, at: end, label) {
                guard opens(label, endingAt: end, in: line) != nil else { break }
                var rest = Substring(String(decoding: line[end...], as: UTF8.self))
                // A colon or white space after it is read by the other forms.
                guard let first = rest.first, first != ":", first != "：", !first.isWhitespace else { break }
                if let connective = connectives.first(where: { rest.hasPrefix($0) }) {
                    rest = rest.dropFirst(connective.count)
                }
                guard let found = value(rest, latin: false), namesPlace(found) else { break }
                return found
            }
        }
        return nil
    }

    /// Whether a value read without a colon names a place: a place character in its first 20,
    /// and no denial or question first.
    static func namesPlace(_ value: String) -> Bool {
        guard let first = value.first, !notPlaces.contains(first) else { return false }
        return value.prefix(20).contains { placeCharacters.contains($0) }
    }

    /// What follows a label the line begins with (after a bullet or a number) and then white
    /// space, no colon: `事发地址 西湖区文三路12号`. Nil when the line begins otherwise.
    static func bareLabel(_ line: [UInt8], among labels: [[UInt8]]) -> Substring? {
        var start = 0
        while start < line.count && line[start] < 0x80 && asciiLineOpeners.contains(line[start]) { start += 1 }
        guard start < line.count, line[start] >= 0xE0 else { return nil }
        for label in labels where line.count > start + label.count && line[start...].starts(with: label) {
            let after = start + label.count
            let gap =
                line[after] == 0x20 || line[after] == 0x09
                ? 1 : line[after...].starts(with: [0xE3, 0x80, 0x80]) ? 3 : 0
            guard gap > 0 else { continue }
            let rest = String(decoding: line[(after + gap)...], as: UTF8.self).drop { $0.isWhitespace }
            // `地址 ：…` is the colon's case; `地址 在哪里` is prose, not told apart here.
            guard rest.first != ":" && rest.first != "：" else { return nil }
            return rest
        }
        return nil
    }

    static let asciiLineOpeners = Set(lineOpeners.compactMap { $0.asciiValue })
    static let bareLabels = bareIncident + bareOther
    /// The first characters of the bare labels, their three UTF-8 bytes as one number.
    static let bareFirstCharacters = Set(bareLabels.map { firstCharacter($0[...]) })

    static func firstCharacter<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        bytes.prefix(3).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Whether the line may hold a label without a colon: it begins with a bare label's first
    /// character, or holds a label's last. The cheap test every line of a body gets.
    static func mayHoldUnpunctuatedLabel(_ line: Substring.UTF8View.SubSequence) -> Bool {
        if let start = line.firstIndex(where: { !($0 < 0x80 && asciiLineOpeners.contains($0)) }), line[start] >= 0xE0,
            bareFirstCharacters.contains(firstCharacter(line[start...]))
        {
            return true
        }
        var index = line.startIndex
        while let lead = line[index...].firstIndex(where: { $0 == 0xE5 || $0 == 0xE7 || $0 == 0xE9 }) {
            let character = line[lead...].prefix(3)
            if labelEnds.contains(where: { character.elementsEqual($0) }) { return true }
            index = line.index(after: lead)
        }
        return false
    }
}
