import Glibc

/// Reads the call log in a workbook: an Excel workbook (.xlsx, as Excel, WPS and LibreOffice save
/// it), an OpenDocument spreadsheet (.ods, as LibreOffice Calc and WPS save it), an Excel
/// 97–2003 workbook (.xls), or the "Excel exports" that are a web page or an XML Spreadsheet 2003.
/// A visible worksheet's rows (the first, then any other by ``read(sheetOrder:)``), as records
/// whose line is the row's number in the spreadsheet.
///
/// The sheet is inflated and read piece by piece and an .xlsx's strings are kept in a temporary
/// file, so memory stays flat whatever the number of rows (an .xls, at most 65,536 rows, keeps
/// its strings in memory). Dates are read by their cells' number
/// formats into text the profiles' date formats read (`2026-11-03 08:15:02`), numbers keep all
/// their digits (a mobile number stored as a number is not `1.38123E+10` here).
public final class WorkbookReader {
    /// The worksheet read, by the name on its tab.
    public private(set) var sheetName: String
    /// The workbook's other worksheets, in tab order.
    public private(set) var otherSheets: [String]
    /// Which shown worksheet is read, in tab order from 0 (see ``init(path:spillDirectory:sheetOrder:)``).
    public private(set) var sheetOrder: Int
    /// The worksheets the workbook shows, in tab order (hidden ones are not among them; a workbook
    /// that shows none lists its first).
    public let shownSheetNames: [String]
    /// How many worksheets the workbook shows.
    public var shownSheets: Int { shownSheetNames.count }
    /// The workbook's bytes other than the sheet's, read when it was opened (strings, styles):
    /// with the bytes ``step(_:)`` returns, the file's size once the sheet is read (less when the
    /// sheet is one of several in one document, an .ods's or an XML 2003's, and others follow it).
    public private(set) var bytesBeforeSheet: Int
    private let file: Int32
    /// The decrypted copy of an encrypted workbook, which the sheet is read from; -1 for none.
    private var decrypted: Int32 = -1
    private var sheet: any WorkbookSheet
    /// Opens a shown worksheet, by its order, with the parts read once for all (strings, styles).
    private let opener: Opener

    /// Whether `prefix`, the file's first bytes, may be a workbook: a ZIP archive, an Office
    /// 97–2003 file (an .xls among them), a web page holding a table or an XML spreadsheet (the
    /// usual "Excel exports").
    public static func mayBeWorkbook(_ prefix: [UInt8]) -> Bool {
        prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) || isLegacy(prefix) || isWebPage(prefix)
            || isXMLSpreadsheet(prefix)
    }

    /// How many first bytes ``mayBeWorkbook(_:)`` needs to tell: an XML spreadsheet's namespace
    /// comes after its XML declaration and Excel's processing instruction, twice as far in UTF-16.
    public static let signatureBytes = 1024

    /// Whether `prefix` begins a web page, as many systems' "Excel exports" are.
    public static func isWebPage(_ prefix: [UInt8]) -> Bool { HTMLTableSheet.isWebPage(prefix) }

    /// Whether `prefix` begins an XML Spreadsheet 2003 file, another common "Excel export".
    public static func isXMLSpreadsheet(_ prefix: [UInt8]) -> Bool { Spreadsheet2003Sheet.isSpreadsheet(prefix) }

    /// Opens the workbook at `path`, its strings spilling into `spillDirectory`, to read the
    /// `sheetOrder`-th worksheet it shows in tab order (0, the first, unless the importer found
    /// that one to be no call log).
    public init(path: String, spillDirectory: String, sheetOrder: Int = 0) throws(WorkbookError) {
        self.sheetOrder = sheetOrder
        file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw .unreadable("cannot open \(path)") }
        do throws(WorkbookError) {
            var status = stat()
            guard fstat(file, &status) == 0 else { throw WorkbookError.unreadable("cannot read the file's size") }
            let size = Int(status.st_size)
            let head = try preadExactly(file, at: 0, count: min(Self.signatureBytes, size))
            let file = file
            let opener: Opener
            if Self.isWebPage(head) {
                opener = { (order) throws(WorkbookError) in
                    guard order == 0 else { throw WorkbookError.damaged("a web page has one table to read") }
                    return ("", [], try HTMLTableSheet(file: file, fileSize: size), 0, [""])
                }
            } else if Self.isXMLSpreadsheet(head) {
                opener = try Spreadsheet2003Sheet.open(file: file, fileSize: size, head: head)
            } else if Self.isLegacy(head) {
                let container = try CompoundFile(file: file, fileSize: size)
                if EncryptedPackage.isEncrypted(container) {
                    let package = try EncryptedPackage.decrypt(container, into: spillDirectory)
                    decrypted = package.file
                    let inside = try Self.openZipped(ZipDirectory(file: package.file), spillDirectory: spillDirectory)
                    opener = { (order) throws(WorkbookError) in
                        var opened = try inside(order)
                        // Progress counts the uploaded file's bytes: the encryption's are read first.
                        opened.bytesBeforeSheet += size - package.size
                        return opened
                    }
                } else {
                    opener = try Self.openLegacy(container, spillDirectory: spillDirectory)
                }
            } else {
                opener = try Self.openZipped(ZipDirectory(file: file), spillDirectory: spillDirectory)
            }
            self.opener = opener
            (sheetName, otherSheets, sheet, bytesBeforeSheet, shownSheetNames) = try opener(sheetOrder)
        } catch {
            close(file)
            if decrypted >= 0 { close(decrypted) }
            throw error
        }
    }

    /// Reads the `order`-th shown worksheet from here on, from its first row, with the strings
    /// and styles read when the workbook was opened.
    public func read(sheetOrder order: Int) throws(WorkbookError) {
        (sheetName, otherSheets, sheet, bytesBeforeSheet, _) = try opener(order)
        sheetOrder = order
    }

    /// Opens a shown worksheet by its order.
    typealias Opener = (Int) throws(WorkbookError) -> Opened

    /// A zipped workbook's sheets: an OpenDocument spreadsheet's, by the media type it names, else
    /// an Excel workbook's.
    private static func openZipped(
        _ directory: ZipDirectory, spillDirectory: String
    ) throws(WorkbookError) -> Opener {
        switch try openDocumentType(directory) {
        case .some(let type) where type.hasPrefix(openDocumentSpreadsheet):
            return try openSpreadsheet(directory)
        case .some(let type) where type.hasPrefix("application/vnd.oasis.opendocument"):
            throw .notWorkbook("an OpenDocument text or presentation (.odt, .odp)")
        default:
            return try openExcel(directory, spillDirectory: spillDirectory)
        }
    }

    /// What opening a workbook found: the sheet to read and how to read it.
    typealias Opened = (
        sheetName: String, otherSheets: [String], sheet: any WorkbookSheet, bytesBeforeSheet: Int,
        shownSheetNames: [String]
    )

    /// The sheet read among sheets shown or hidden as `visible` says, in tab order: the
    /// `order`-th shown one (the first when none is shown and `order` is 0), and the indices of
    /// those shown (the first alone when none is).
    static func chosenSheet(_ visible: [Bool], order: Int) throws(WorkbookError) -> (index: Int, shown: [Int]) {
        let shown = visible.indices.filter { visible[$0] }
        let candidates = shown.isEmpty ? Array(visible.indices.prefix(1)) : shown
        guard !candidates.isEmpty else { throw .damaged("it has no worksheet") }
        guard order < candidates.count else {
            throw .damaged("it shows \(candidates.count) worksheets, not \(order + 1)")
        }
        return (candidates[order], candidates)
    }

    private static func openExcel(
        _ directory: ZipDirectory, spillDirectory: String
    ) throws(WorkbookError) -> Opener {
        // The workbook part is where the package's relationships say (`xl/workbook.xml` as
        // Excel, WPS and LibreOffice write it; some generators name it otherwise).
        let packageRelations = try WorkbookRelations(
            directory.member("_rels/.rels").map { (member) throws(WorkbookError) in
                try ZipMemberStream(directory, member)
            }, base: "")
        // A Word or PowerPoint file names its document or presentation there instead.
        let named = packageRelations.officeDocument.flatMap { name in
            name.split(separator: "/").last?.lowercased().hasPrefix("workbook") == true ? name : nil
        }
        guard let workbook = directory.member(named ?? "xl/workbook.xml") ?? directory.member("xl/workbook.xml")
        else { throw Self.notWorkbook(directory) }
        let book = try WorkbookPart(try ZipMemberStream(directory, workbook))
        let folder = workbook.name.split(separator: "/").dropLast().joined(separator: "/")
        let fileName = workbook.name.split(separator: "/").last.map(String.init) ?? "workbook.xml"
        let relations = try WorkbookRelations(
            try directory.member((folder.isEmpty ? "" : folder + "/") + "_rels/\(fileName).rels").map {
                (member) throws(WorkbookError) in try ZipMemberStream(directory, member)
            }, base: folder)
        let sheets = book.sheets.filter { relations.worksheets[$0.relation] != nil }
        let styles = try (directory.member(relations.styles ?? "") ?? directory.member("xl/styles.xml")).map {
            (member) throws(WorkbookError) in try WorkbookStyles(try ZipMemberStream(directory, member))
        }
        var strings: SharedStrings?
        if let member = directory.member(relations.sharedStrings ?? "") ?? directory.member("xl/sharedStrings.xml") {
            let table = try SharedStrings(spillDirectory: spillDirectory)
            try table.load(try ZipMemberStream(directory, member))
            strings = table
        }
        let merges = MergedDownLists()
        return { (order) throws(WorkbookError) in
            let choice = try chosenSheet(sheets.map(\.visible), order: order)
            let chosen = sheets[choice.index]
            guard let target = relations.worksheets[chosen.relation], let member = directory.member(target)
            else { throw WorkbookError.damaged("it has no worksheet") }
            var rows = SheetRows(strings: strings, styles: styles ?? WorkbookStyles(), date1904: book.date1904)
            rows.merges = try merges.list(choice.index) { () throws(WorkbookError) in
                try MergedDown.listed(in: try ZipMemberStream(directory, member))
            }
            return (
                chosen.name, sheets.filter { $0.relation != chosen.relation }.map(\.name),
                ZippedSheet(try ZipMemberStream(directory, member), SheetFeed(rows)),
                max(directory.fileSize - member.compressedSize, 0), choice.shown.map { sheets[$0].name }
            )
        }
    }

    deinit {
        close(file)
        if decrypted >= 0 { close(decrypted) }
    }

    /// Reads the next piece of the sheet and hands over the rows it completes.
    /// - Returns: The workbook bytes consumed (for progress), 0 once the sheet is read.
    public func step(_ emit: (CSVRecord) -> Void) throws(WorkbookError) -> Int { try sheet.step(emit) }

    /// What a zipped file without a workbook is, told by the parts it holds.
    private static func notWorkbook(_ directory: ZipDirectory) -> WorkbookError {
        let names = directory.members.keys
        if names.contains("xl/workbook.bin") {
            return .unsupported("it is a binary workbook (.xlsb), which is not read here")
        }
        if names.contains(where: { $0.hasPrefix("word/") }) { return .notWorkbook("a Word document (.docx)") }
        if names.contains(where: { $0.hasPrefix("ppt/") }) { return .notWorkbook("a PowerPoint presentation (.pptx)") }
        if names.contains("mimetype") { return .notWorkbook("an OpenDocument file (.odt, .odp)") }
        return .notWorkbook("a zipped archive (.zip) or another zipped document")
    }
}

/// `xl/workbook.xml`: the sheets in tab order and the date system.
private struct WorkbookPart: XMLScannerHandler {
    struct Sheet {
        var name: String
        var relation: String
        var visible: Bool
    }

    var sheets: [Sheet] = []
    var date1904 = false

    init(_ stream: ZipMemberStream) throws(WorkbookError) {
        try stream.scan(into: &self)
    }

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("workbookPr") {
            date1904 = XMLTag.isTrue(tag.attribute("date1904"))
        } else if tag.is("sheet"), let relation = tag.attribute("id") {
            let state = tag.attribute("state") ?? "visible"
            sheets.append(Sheet(name: tag.attribute("name") ?? "", relation: relation, visible: state == "visible"))
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {}
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}
}

/// A relationships part (`_rels/.rels`, `xl/_rels/workbook.xml.rels`): the parts it names by type.
private struct WorkbookRelations: XMLScannerHandler {
    /// The folder the targets are relative to (`xl`; empty for the package's own).
    let base: String
    /// Relationship id → member name, for worksheets only (not chart sheets).
    var worksheets: [String: String] = [:]
    var officeDocument: String?
    var styles: String?
    var sharedStrings: String?

    init(_ stream: ZipMemberStream?, base: String) throws(WorkbookError) {
        self.base = base
        guard let stream else { return }
        try stream.scan(into: &self)
    }

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        guard tag.is("Relationship"), let target = tag.attribute("Target"), let type = tag.attribute("Type"),
            tag.attribute("TargetMode") != "External"
        else { return }
        let name = memberName(target)
        // The type's last path segment: the same in transitional and strict OOXML namespaces.
        switch type.split(separator: "/").last {
        case "worksheet": if let id = tag.attribute("Id") { worksheets[id] = name }
        case "officeDocument": officeDocument = officeDocument ?? name
        case "styles": styles = name
        case "sharedStrings": sharedStrings = name
        default: break
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {}
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}

    /// A target relative to `base` (`worksheets/sheet1.xml`) or absolute (`/xl/worksheets/sheet1.xml`).
    func memberName(_ target: String) -> String {
        var parts = target.hasPrefix("/") || base.isEmpty ? [] : base.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
            } else if part != "." {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
