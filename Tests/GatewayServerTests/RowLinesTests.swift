import HotlineCSVAdapter
import Testing

@testable import GatewayServer

@Suite("Hidden and merged-into rows named in the import report")
struct RowLinesTests {
    @Test("no hidden row, no warning")
    func none() {
        #expect(RowLines().hiddenWarning == nil)
    }

    @Test("one row is named in the singular")
    func one() {
        var rows = RowLines()
        rows.add(7)
        #expect(
            rows.hiddenWarning?.reason
                == "1 row hidden in the worksheet (filtered out or hidden by hand; line 7) read like the others: "
                + "to leave calls out, delete their rows rather than hide them")
        #expect(rows.hiddenWarning?.line == 7)
    }

    @Test("runs of lines become ranges; past ten ranges the rest are counted, not named")
    func ranges() {
        var rows = RowLines()
        for line in [3, 4, 5, 9, 11, 12] { rows.add(line) }
        #expect(
            rows.hiddenWarning?.reason.hasPrefix(
                "6 rows hidden in the worksheet (filtered out or hidden by hand; lines 3–5, 9, 11–12) ") == true)
        var many = RowLines()
        for line in stride(from: 2, through: 40, by: 2) { many.add(line) }
        let reason = many.hiddenWarning?.reason ?? ""
        #expect(
            reason.hasPrefix(
                "20 rows hidden in the worksheet (filtered out or hidden by hand; lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, …) "
            ))
        // A run that goes on past the last range named still extends it.
        var run = RowLines()
        for line in stride(from: 2, through: 20, by: 2) { run.add(line) }
        run.add(21)
        run.add(30)
        #expect(run.hiddenWarning?.reason.contains("lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20–21, …)") == true)
        #expect(run.count == 12)
    }

    @Test("rows filled from a merged cell are named in their own warning")
    func merged() {
        var rows = RowLines()
        #expect(rows.mergedWarning == nil)
        for line in [3, 5, 6] { rows.add(line) }
        #expect(
            rows.mergedWarning?.reason
                == "3 rows under cells merged down a column (lines 3, 5–6) read with the merged cell's text "
                + "in that column, as the sheet shows them")
        #expect(rows.mergedWarning?.line == 3)
    }
}
