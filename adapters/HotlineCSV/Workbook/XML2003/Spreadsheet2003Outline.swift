/// What an XML Spreadsheet 2003 file says before its rows are read: its worksheets in tab order
/// (which are hidden), the number format of each style, and its date system.
///
/// Read in a pass of its own: a worksheet's `<Visible>SheetHidden</Visible>` comes after its
/// rows, and the sheets not read are named when the file is opened.
struct Spreadsheet2003Outline: XMLScannerHandler {
    struct Sheet {
        var name: String
        var visible = true
    }

    private(set) var sheets: [Sheet] = []
    private(set) var date1904 = false
    /// Whether the document's root element was closed: a file cut short is found before any row is taken.
    private(set) var complete = false
    /// Style id → its own number format, and its parent style's id.
    private var formats: [String: String] = [:]
    private var parents: [String: String] = [:]
    private var style: String?
    private var inSheet = false
    private var visibility: CellTextCollector?

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("Style"), let id = tag.attribute("ID") {
            style = id
            if let parent = tag.attribute("Parent") { parents[id] = parent }
        } else if tag.is("NumberFormat"), let style {
            formats[style] = tag.attribute("Format") ?? ""
        } else if tag.is("Worksheet") {
            sheets.append(Sheet(name: tag.attribute("Name") ?? "Sheet\(sheets.count + 1)"))
            inSheet = true
        } else if tag.is("Visible"), inSheet {
            visibility = CellTextCollector()
            visibility?.collecting = true
        } else if tag.is("Date1904") {
            date1904 = true
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        if XMLScanner.equal(name, "Style") {
            style = nil
        } else if XMLScanner.equal(name, "Workbook") {
            complete = true
        } else if XMLScanner.equal(name, "Worksheet") {
            inSheet = false
        } else if XMLScanner.equal(name, "Visible"), let visibility {
            // `SheetHidden` or `SheetVeryHidden`; `SheetVisible` is the default written out.
            if visibility.decoded.hasPrefix("SheetHidden") || visibility.decoded.hasPrefix("SheetVeryHidden") {
                sheets[sheets.count - 1].visible = false
            }
            self.visibility = nil
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {
        visibility?.add(bytes, cdata: cdata)
    }

    /// What numbers each style shows: its own format, else its parent's, else the `Default`
    /// style's (which cells without a style use).
    var styles: [String: WorkbookStyles.NumberKind] {
        var kinds: [String: WorkbookStyles.NumberKind] = [:]
        for id in Set(formats.keys).union(parents.keys) {
            var at = id
            var seen: Set<String> = []
            while formats[at] == nil, let parent = parents[at], seen.insert(at).inserted { at = parent }
            kinds[id] = (formats[at] ?? formats["Default"]).map(Self.kind(ofFormat:)) ?? .number
        }
        return kinds
    }

    /// A format's kind: Excel's named formats, else a format code read as in an .xlsx.
    static func kind(ofFormat format: String) -> WorkbookStyles.NumberKind {
        switch format {
        case "General Date": .dateTime
        case "Long Date", "Medium Date", "Short Date": .date
        case "Long Time", "Medium Time", "Short Time": .time
        case "General", "General Number", "Fixed", "Standard", "Percent", "Scientific", "Currency",
            "Euro Currency", "Yes/No", "True/False", "On/Off", "":
            .number
        default: WorkbookStyles.kind(ofFormat: format)
        }
    }
}
