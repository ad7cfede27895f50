/// What a workbook's cell styles say about numbers: which ones are dates, times or durations.
///
/// Excel stores a date as a number (days since 1899-12-30, the time of day as the fraction) and
/// shows it as a date only through the cell's number format: `xl/styles.xml` lists the formats
/// (`numFmts`) and, for each style index a cell names (`s="3"`), the format it uses (`cellXfs`).
struct WorkbookStyles {
    enum NumberKind: Equatable {
        case number, date, time, dateTime
        /// Elapsed time (`[h]:mm:ss`): a call's length, not a time of day.
        case duration
    }

    /// The kind of each style index, in `cellXfs` order.
    private(set) var kinds: [NumberKind] = []

    func kind(ofStyle index: Int?) -> NumberKind {
        guard let index, index >= 0, index < kinds.count else { return .number }
        return kinds[index]
    }

    /// Reads `xl/styles.xml` from `stream`.
    init(_ stream: ZipMemberStream) throws(WorkbookError) {
        var reader = Reader()
        try stream.scan(into: &reader)
        self.init(formats: reader.formats, custom: reader.custom)
    }

    /// The styles whose number formats are `formats` (format ids in style order), the custom
    /// ones' codes in `custom`.
    init(formats: [Int], custom: [Int: String]) {
        kinds = formats.map { id in custom[id].map(Self.kind(ofFormat:)) ?? Self.builtInKind(id) }
    }

    init() {}

    /// Excel's built-in formats that show dates and times (ids 14–22 and 45–47 everywhere; 27–36
    /// and 50–58 are the East Asian locales' dates and times, such as `yyyy"年"m"月"d"日"`).
    static func builtInKind(_ id: Int) -> NumberKind {
        switch id {
        case 14...17, 27...31, 36, 50...54, 57, 58: .date
        case 18...21, 32...35, 45, 47, 55, 56: .time
        case 22: .dateTime
        case 46: .duration
        default: .number
        }
    }

    /// A custom format's kind from its first section: what its date and time letters are,
    /// outside quoted text, escaped characters and bracketed colours or conditions.
    static func kind(ofFormat code: String) -> NumberKind {
        var date = false
        var time = false
        var elapsed = false
        var month = false
        var quoted = false
        var escaped = false
        var bracket = ""
        var inBracket = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            if quoted {
                if character == "\"" { quoted = false }
                continue
            }
            if inBracket {
                if character == "]" {
                    inBracket = false
                    // [h], [mm], [ss]: elapsed time; [Red], [$-804], [>=100]: not letters of the format.
                    if !bracket.isEmpty, bracket.allSatisfy({ "hms".contains($0) }) { elapsed = true }
                } else {
                    bracket.append(character)
                }
                continue
            }
            switch character {
            case ";": break
            case "\"": quoted = true
            case "\\", "_", "*": escaped = true
            case "[":
                inBracket = true
                bracket = ""
            case "y", "d": date = true
            case "h", "s": time = true
            case "m": month = true
            case "@": return .number
            default: break
            }
            if character == ";" { break }
        }
        if elapsed { return .duration }
        if date && time { return .dateTime }
        if date { return .date }
        if time { return .time }
        // `m` alone (`mmm`, `m"月"`) is a month: a date without a day is still a date.
        return month ? .date : .number
    }

    private struct Reader: XMLScannerHandler {
        var custom: [Int: String] = [:]
        var formats: [Int] = []
        var inCellFormats = false

        mutating func start(_ tag: XMLTag) throws(WorkbookError) {
            if tag.is("numFmt"), let id = tag.attribute("numFmtId").flatMap({ Int($0) }) {
                custom[id] = tag.attribute("formatCode") ?? ""
            } else if tag.is("cellXfs") {
                inCellFormats = true
            } else if inCellFormats, tag.is("xf") {
                formats.append(tag.attribute("numFmtId").flatMap { Int($0) } ?? 0)
            }
        }

        mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
            if XMLScanner.equal(name, "cellXfs") { inCellFormats = false }
        }

        mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}
    }
}
