import Glibc

extension WorkbookReader {
    /// Whether `prefix` is an Office 97–2003 file's, as an .xls is.
    public static func isLegacy(_ prefix: [UInt8]) -> Bool { prefix.starts(with: CompoundFile.signature) }

    /// Whether the Office 97–2003 file at `path` is an encrypted .xlsx rather than an .xls: the
    /// same container holds both.
    public static func isEncryptedWorkbook(path: String) -> Bool {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, let container = try? CompoundFile(file: file, fileSize: Int(status.st_size))
        else { return false }
        return EncryptedPackage.isEncrypted(container)
    }

    /// An Excel 97–2003 workbook's (.xls) visible worksheets, by their order (0, the first), its
    /// globals (strings, formats, sheets) read once. The same container holds
    /// Word and PowerPoint 97–2003 files (each is named) and encrypted .xlsx workbooks (see
    /// ``EncryptedPackage``).
    static func openLegacy(
        _ container: CompoundFile, spillDirectory: String
    ) throws(WorkbookError) -> Opener {
        // Excel 5.0/95 names the stream "Book"; a file saved for both keeps both, the newer first.
        var found = try container.stream("Workbook")
        if found == nil { found = try container.stream("Book") }
        guard let stream = found else {
            let names = Set(container.topLevel.map { $0.name.lowercased() })
            if names.contains("worddocument") { throw .notWorkbook("a Word 97–2003 document (.doc)") }
            if names.contains("powerpoint document") { throw .notWorkbook("a PowerPoint 97–2003 presentation (.ppt)") }
            throw .notWorkbook("an Office 97–2003 file that holds no workbook")
        }
        let globals = try BIFFGlobals(
            BIFFRecords(file: container.file, stream: stream, from: 0), spillDirectory: spillDirectory)
        let merges = MergedDownLists()
        return { (order) throws(WorkbookError) in
            let choice = try chosenSheet(globals.sheets.map(\.visible), order: order)
            let chosen = globals.sheets[choice.index]
            let sheetRecords = BIFFRecords(file: container.file, stream: stream, from: chosen.offset)
            sheetRecords.decryption = globals.decryption
            guard try sheetRecords.peekType() == BIFFRecords.Record.bof else {
                throw WorkbookError.damaged("its worksheet \"\(chosen.name)\" is not where the workbook says")
            }
            let listed = try merges.list(choice.index) { () throws(WorkbookError) in
                let mergeRecords = BIFFRecords(file: container.file, stream: stream, from: chosen.offset)
                mergeRecords.decryption = globals.decryption
                return try MergedDown.listed(in: mergeRecords)
            }
            let sheet = BIFFSheet(records: sheetRecords, globals: globals, merges: listed)
            return (
                chosen.name, globals.sheets.filter { $0.offset != chosen.offset }.map(\.name), sheet,
                max(container.fileSize - sheet.bytesToRead, 0), choice.shown.map { globals.sheets[$0].name }
            )
        }
    }
}
