import Foundation
import HotlineCSVAdapter

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An uploaded .xlsx workbook, .ods spreadsheet or .xls workbook through `WorkbookReader`: the ZIP
/// directory, the inflater, the XML reader, the shared strings, the styles and the sheet's rows
/// (OpenDocument's tables, repeats and typed cells); for an .xls the compound file's allocation
/// table and directory, and the BIFF8 records (strings split across CONTINUE records). The reader
/// takes a file (it reads the archive's directory from the end), so each input is written to one first.
enum WorkbookTarget {
    static let directory: String = {
        let path = NSTemporaryDirectory() + "fuzz-xlsx-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func run(_ bytes: [UInt8]) {
        let path = directory + "/input.xlsx"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        guard let reader = try? WorkbookReader(path: path, spillDirectory: directory) else { return }
        var rows = 0
        var lastLine = 0
        // Every shown sheet in turn (the first few), as an import of a log kept by month reads
        // them: the strings and styles read once serve each.
        for order in 0..<min(reader.shownSheets, 4) {
            do {
                if order > 0 { try reader.read(sheetOrder: order) }
                while try reader.step({ record in
                    rows += 1
                    _ = record.fields.count
                    lastLine = record.line
                }) > 0 {}
            } catch {
                continue
            }
        }
        _ = (rows, lastLine)
    }
}
