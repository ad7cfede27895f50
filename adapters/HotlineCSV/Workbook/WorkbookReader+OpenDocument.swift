extension WorkbookReader {
    /// Whether `prefix` is an OpenDocument spreadsheet's (.ods), which names its media type first.
    public static func isOpenDocument(_ prefix: [UInt8]) -> Bool {
        NotCSVSignature.kind(of: prefix)?.contains(".ods") == true
    }

    /// An OpenDocument spreadsheet's shown tables, by their order (0, the first). Their names and visibility are
    /// read in a first pass over `content.xml`, which holds them and the rows alike.
    static func openSpreadsheet(_ directory: ZipDirectory) throws(WorkbookError) -> Opener {
        guard let content = directory.member("content.xml") else {
            throw .damaged("its part content.xml, which holds the sheets, is missing")
        }
        // A password encrypts the parts (the manifest says how); read, they would be noise.
        if let manifest = directory.member("META-INF/manifest.xml") {
            var encryption = OpenDocumentEncryption()
            try ZipMemberStream(directory, manifest).scan(into: &encryption)
            if encryption.found {
                throw .savedWithPassword
            }
        }
        var tables = OpenDocumentTables()
        try ZipMemberStream(directory, content).scan(into: &tables)
        // One read of the document serves every sheet after the first (see ``SequentialSheet``).
        let sheets = SequentialSheet.opener(
            fromStart: { () throws(WorkbookError) in
                let stream = try ZipMemberStream(directory, content)
                return { (feed) throws(WorkbookError) in try stream.next(feed) }
            }, rows: { OpenDocumentRows(tableIndex: $0) })
        return { [tables] (order) throws(WorkbookError) in
            let choice = try chosenSheet(tables.tables.map(\.visible), order: order)
            let chosen = choice.index
            let sheet = try sheets(chosen)
            return (
                tables.tables[chosen].name,
                tables.tables.indices.filter { $0 != chosen }.map { tables.tables[$0].name }, sheet,
                max(directory.fileSize - content.compressedSize, 0), choice.shown.map { tables.tables[$0].name }
            )
        }
    }

    static let openDocumentSpreadsheet = "application/vnd.oasis.opendocument.spreadsheet"

    /// The media type an OpenDocument file names in its `mimetype` part; nil for other files.
    static func openDocumentType(_ directory: ZipDirectory) throws(WorkbookError) -> String? {
        guard let member = directory.member("mimetype"), member.size <= 256 else { return nil }
        var bytes: [UInt8] = []
        let stream = try ZipMemberStream(directory, member)
        while try stream.next({ bytes.append(contentsOf: $0) }) > 0 {}
        return String(decoding: bytes.filter { $0 > 0x20 }, as: UTF8.self)
    }
}
