/// An OpenDocument spreadsheet's tables in tab order, with whether each is shown: read in a
/// first pass over `content.xml`, since a table's name is only met where its rows begin.
struct OpenDocumentTables: XMLScannerHandler {
    struct Table {
        var name: String
        var visible: Bool
    }

    private(set) var tables: [Table] = []
    /// Table styles that hide their tables (`table:display="false"`), named in the automatic
    /// styles before the tables that use them.
    private var hiddenStyles: Set<String> = []
    private var tableStyle: String?
    private var depth = 0

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("style") {
            tableStyle = tag.attribute("family") == "table" ? tag.attribute("name") : nil
        } else if tag.is("table-properties"), let style = tableStyle, tag.attribute("display") == "false" {
            hiddenStyles.insert(style)
        } else if tag.is("table") {
            depth += 1
            guard depth == 1 else { return }
            let style = tag.attribute("style-name")
            tables.append(Table(name: tag.attribute("name") ?? "", visible: !hiddenStyles.contains(style ?? "")))
        }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {
        if XMLScanner.equal(name, "table") {
            depth = max(depth - 1, 0)
        } else if XMLScanner.equal(name, "style") {
            tableStyle = nil
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}
}
