import CZlibShim

/// Builds .xlsx workbooks byte by byte as Excel lays them out: a ZIP archive (members deflated
/// or stored) of the content types, relationships, workbook, styles, shared strings and sheets.
public enum WorkbookBuilder {
    public struct Sheet {
        public var name: String
        /// The `<sheetData>` element's content: `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`.
        public var rows: String
        /// `visible`, `hidden` or `veryHidden`.
        public var state: String

        public init(name: String, rows: String, state: String = "visible") {
            self.name = name
            self.rows = rows
            self.state = state
        }
    }

    /// Excel's styles part with these custom number formats (id 164 on), and one cell style per
    /// format id in `cellFormats` (style index 0 is always General).
    public static func styles(custom: [Int: String] = [:], cellFormats: [Int] = []) -> String {
        let formats = custom.sorted { $0.key < $1.key }.map {
            "<numFmt numFmtId=\"\($0.key)\" formatCode=\"\(escape($0.value))\"/>"
        }
        let xfs = ([0] + cellFormats).map {
            "<xf numFmtId=\"\($0)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        }
        return xmlHead
            + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + (formats.isEmpty ? "" : "<numFmts count=\"\(formats.count)\">\(formats.joined())</numFmts>")
            + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"等线\"/></font></fonts>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"\(xfs.count)\">\(xfs.joined())</cellXfs></styleSheet>"
    }

    /// The workbook's bytes.
    public static func workbook(
        sheets: [Sheet], sharedStrings: [String]? = nil, styles: String? = nil, date1904: Bool = false,
        deflate: Bool = true
    ) -> [UInt8] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var members: [(String, String)] = [
            (
                "[Content_Types].xml",
                xmlHead + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
            ),
            (
                "_rels/.rels",
                xmlHead + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>"
            ),
        ]
        let sheetEntries = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(escape(sheet.name))\" sheetId=\"\(index + 1)\""
                + (sheet.state == "visible" ? "" : " state=\"\(sheet.state)\"") + " r:id=\"rId\(index + 1)\"/>"
        }
        members.append(
            (
                "xl/workbook.xml",
                xmlHead + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\">"
                    + (date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr defaultThemeVersion=\"166925\"/>")
                    + "<sheets>\(sheetEntries.joined())</sheets></workbook>"
            ))
        var rels = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }
        rels.append("<Relationship Id=\"rId90\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/>")
        members.append(
            (
                "xl/_rels/workbook.xml.rels",
                xmlHead + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + rels.joined() + "</Relationships>"
            ))
        for (index, sheet) in sheets.enumerated() {
            members.append(
                (
                    "xl/worksheets/sheet\(index + 1).xml",
                    xmlHead + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(relationships)\">"
                        + "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
                        + "<sheetFormatPr defaultRowHeight=\"14.25\"/><sheetData>\(sheet.rows)</sheetData>"
                        + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
                        + "</worksheet>"
                ))
        }
        members.append(("xl/styles.xml", styles ?? Self.styles()))
        if let sharedStrings {
            let items = sharedStrings.map { "<si><t xml:space=\"preserve\">\(escape($0))</t></si>" }
            members.append(
                (
                    "xl/sharedStrings.xml",
                    xmlHead + "<sst xmlns=\"\(main)\" count=\"\(items.count)\" uniqueCount=\"\(items.count)\">"
                        + items.joined() + "</sst>"
                ))
        }
        return zip(members.map { ($0.0, Array($0.1.utf8)) }, deflate: deflate)
    }

    /// An OpenDocument spreadsheet (.ods) as Calc lays it out: its media type first, the content
    /// part with `styles` as its automatic styles and `body` inside `<office:spreadsheet>`.
    public static func openDocument(
        body: String, styles: String = "", mimetype: String = "application/vnd.oasis.opendocument.spreadsheet",
        manifest: String = "<manifest:manifest/>"
    ) -> [UInt8] {
        let content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
            xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3">\
            <office:automatic-styles>\(styles)</office:automatic-styles>\
            <office:body><office:spreadsheet>\(body)</office:spreadsheet></office:body></office:document-content>
            """
        return zip(
            [
                ("mimetype", Array(mimetype.utf8)), ("content.xml", Array(content.utf8)),
                ("META-INF/manifest.xml", Array(manifest.utf8)),
            ], stored: ["mimetype"])
    }

    /// A text cell of an OpenDocument table row.
    public static func openDocumentCell(_ text: String) -> String {
        #"<table:table-cell office:value-type="string"><text:p>\#(escape(text))</text:p></table:table-cell>"#
    }

    /// A ZIP archive of `members`, in order, deflated or stored (those named in `stored` always are).
    /// Those named in `cutShort` keep only the first half of their deflate data, the sizes and
    /// checksum still the whole member's: a deflate stream that ends before its last block.
    public static func zip(
        _ members: [(name: String, bytes: [UInt8])], deflate deflateAll: Bool = true, stored: Set<String> = [],
        cutShort: Set<String> = []
    ) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for member in members {
            let deflate = deflateAll && !stored.contains(member.name)
            let crc = UInt32(
                truncatingIfNeeded: member.bytes.withUnsafeBufferPointer {
                    crc32(0, $0.baseAddress, uInt($0.count))
                })
            var data = deflate ? raw(deflating: member.bytes) : member.bytes
            if cutShort.contains(member.name) { data = Array(data.prefix(data.count / 2)) }
            let name = Array(member.name.utf8)
            let offset = out.count
            var common: [UInt8] = []
            common += le16(20) + le16(0) + le16(deflate ? 8 : 0) + le16(0) + le16(0x5B61)
            common += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(member.bytes.count))
            common += le16(name.count) + le16(0)
            out += le32(0x0403_4B50) + common + name + data
            directory += le32(0x0201_4B50) + le16(0x002D) + common + le16(0) + le16(0) + le16(0) + le32(0)
            directory += le32(UInt32(offset)) + name
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
        out += le32(UInt32(directory.count)) + le32(UInt32(directoryOffset)) + le16(0)
        return out
    }

    /// `bytes` as raw deflate data (no zlib header), as ZIP stores them.
    public static func raw(deflating bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard cg_deflate_raw_init(&stream, 6) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                _ = CZlibShim.deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<produced])
    }

    public static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }

    static let xmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"

    private static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    private static func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
