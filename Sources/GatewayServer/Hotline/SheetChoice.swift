import Foundation
import HotlineCSVAdapter
import Storage

/// The worksheets an upload's sender named to be read (`?sheet=`, `--sheet`), in the order named.
///
/// Kept with the upload as its raw payload's `X-Sheet` headers, one per name: an import a stop
/// cut short is finished, and one taken out of quarantine is read, from the same sheets.
/// Without a choice the gateway picks the sheets itself (``SheetPlan``).
struct SheetChoice: Equatable {
    static let headerName = "X-Sheet"

    /// The names as sent, trimmed; blank ones left out.
    private(set) var names: [String]

    init(_ names: [String]) {
        self.names = names.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The choice kept with `raw`.
    init(raw: RawPayload) { self.init(headers: raw.headers) }

    /// The choice kept among `headers` (exactly so named: a client's own `x-sheet` request header
    /// is kept under its lowercase name, and chooses nothing).
    init(headers: [RawPayload.Header]) {
        self.init(headers.filter { $0.name == Self.headerName }.map(\.value))
    }

    var isEmpty: Bool { names.isEmpty }

    /// `headers` with this choice in place of any kept there.
    func replacing(in headers: [RawPayload.Header]) -> [RawPayload.Header] {
        headers.filter { $0.name != Self.headerName }
            + names.map { RawPayload.Header(name: Self.headerName, value: $0) }
    }

    /// The shown worksheets named, by their order among those `workbook` shows, in the order
    /// named (a sheet named twice is read once). A name is matched as written, then regardless
    /// of case and of Unicode normal form (Excel holds no two sheets differing only so); a
    /// number that names no sheet is a tab's position from 1 (`--sheet 2`).
    /// - Throws: `unknown_sheet` for a name the workbook does not hold, or holds hidden.
    func orders(in workbook: WorkbookReader) throws(HotlineImportError) -> [Int] {
        let shown = workbook.shownSheetNames
        let folded = shown.map(Self.folded)
        var orders: [Int] = []
        for name in names {
            let order =
                shown.firstIndex(of: name) ?? folded.firstIndex(of: Self.folded(name))
                ?? Int(name).flatMap { shown.indices.contains($0 - 1) ? $0 - 1 : nil }
            guard let order else { throw Self.unknown(name, workbook) }
            if !orders.contains(order) { orders.append(order) }
        }
        return orders
    }

    /// The warning, at the first line, for sheets named with a CSV file, which has none.
    var unusedWarning: ImportReport.RowIssue? {
        guard !names.isEmpty else { return nil }
        return ImportReport.RowIssue(
            line: 1, ticket: nil,
            reason: "worksheets were named to be read (\(names.map { "\"\($0)\"" }.joined(separator: ", "))), but "
                + "the file is CSV, which has none: it was read whole")
    }

    private static func folded(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping.lowercased()
    }

    private static func unknown(_ name: String, _ workbook: WorkbookReader) -> HotlineImportError {
        let hidden = ([workbook.sheetName] + workbook.otherSheets).filter {
            !workbook.shownSheetNames.contains($0) && folded($0) == folded(name)
        }
        if let sheet = hidden.first {
            return HotlineImportError(
                code: "unknown_sheet",
                "the worksheet \"\(sheet)\" named to be read is hidden in the workbook: unhide it (in Excel or WPS, "
                    + "right-click a sheet tab ▸ Unhide) and upload the file again")
        }
        let listed = workbook.shownSheetNames.prefix(30).map { "\"\($0)\"" }.joined(separator: ", ")
        let more = workbook.shownSheets > 30 ? ", … (\(workbook.shownSheets - 30) more)" : ""
        return HotlineImportError(
            code: "unknown_sheet",
            "the workbook has no worksheet \"\(name)\" to read (its worksheets, in tab order: \(listed)\(more)); "
                + "name one of them, or its position from 1")
    }
}
