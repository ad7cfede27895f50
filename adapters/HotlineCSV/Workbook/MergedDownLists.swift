/// A workbook's lists of merged ranges by sheet, each read once: an import looks at every sheet's
/// header before it reads the rows, and a list is found by inflating or walking the whole sheet.
final class MergedDownLists {
    private var lists: [Int: MergedDown] = [:]

    /// The list of sheet `index`, read by `read` the first time it is asked for.
    func list(_ index: Int, _ read: () throws(WorkbookError) -> MergedDown) throws(WorkbookError) -> MergedDown {
        if let known = lists[index] { return known }
        let list = try read()
        lists[index] = list
        return list
    }
}
