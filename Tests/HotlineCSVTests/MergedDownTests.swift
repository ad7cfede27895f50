import Testing

@testable import HotlineCSVAdapter

@Suite("Cells merged down a column")
struct MergedDownTests {
    /// The fields of rows `lines` after filling, with whether each was filled.
    static func filled(_ merges: inout MergedDown, _ rows: [(Int, [String])]) -> [([String], Bool)] {
        rows.map { line, fields in
            var fields = fields
            let filled = merges.fill(&fields, line: line)
            return (fields, filled)
        }
    }

    @Test("a listed span carries its first cell's text into the empty cells below, to its last row only")
    func listed() {
        var merges = MergedDown(listed: [
            .init(column: 1, firstLine: 2, lastLine: 4),
            // One row tall: nothing below to fill.
            .init(column: 0, firstLine: 5, lastLine: 5),
            // Its first row holds nothing (or is not read): nothing to carry.
            .init(column: 2, firstLine: 6, lastLine: 7),
        ])
        let rows = Self.filled(
            &merges,
            [
                (2, ["GD1", "噪音"]), (3, ["GD2"]), (4, ["GD3", "", "x"]), (5, ["GD4"]), (7, ["GD5"]),
            ])
        #expect(rows.map(\.0) == [["GD1", "噪音"], ["GD2", "噪音"], ["GD3", "噪音", "x"], ["GD4"], ["GD5"]])
        #expect(rows.map(\.1) == [false, true, true, false, false])
    }

    @Test("a covered cell that holds text keeps it; a later span in the column replaces an open one")
    func kept() {
        var merges = MergedDown()
        merges.add(column: 0, line: 2, lastLine: 9)
        var first = ["城管", "GD1"]
        #expect(!merges.fill(&first, line: 2))
        var second = ["自己的", "GD2"]
        #expect(!merges.fill(&second, line: 3))
        #expect(second == ["自己的", "GD2"])
        merges.add(column: 0, line: 4, lastLine: 5)
        var third = ["环保", "GD3"]
        _ = merges.fill(&third, line: 4)
        var fourth = ["", "GD4"]
        #expect(merges.fill(&fourth, line: 5))
        #expect(fourth == ["环保", "GD4"])
        var fifth = ["", "GD5"]
        #expect(!merges.fill(&fifth, line: 6))
    }

    @Test("an .xlsx's <mergeCell> tags are found however its XML is cut into pieces, with a prefix or $ signs")
    func finder() {
        let xml = Array(
            """
            <sheetData><row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData>\
            <mergeCells count="3"><mergeCell ref="E2:E3"/><x:mergeCell ref="$G$2:$H$30"/>\
            <mergeCell ref="F6:G6"/><mergeCell ref="broken"/></mergeCells>
            """.utf8)
        for piece in [1, 2, 7, 9, 10, 64, xml.count] {
            var finder = MergeCellFinder()
            var at = 0
            while at < xml.count {
                let end = min(at + piece, xml.count)
                xml[at..<end].withUnsafeBytes { finder.feed($0) }
                at = end
            }
            #expect(finder.spans.map(\.column) == [4, 6, 5], "pieces of \(piece)")
            #expect(finder.spans.map(\.firstLine) == [2, 2, 6])
            #expect(finder.spans.map(\.lastLine) == [3, 30, 6])
        }
    }
}
