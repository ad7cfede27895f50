import HotlineCSVAdapter
import Testing

@testable import GatewayServer

@Suite("Hidden rows named in the import report")
struct HiddenRowsTests {
    @Test("no hidden row, no warning")
    func none() {
        #expect(HiddenRows().warning == nil)
    }

    @Test("one row is named in the singular")
    func one() {
        var rows = HiddenRows()
        rows.add(7)
        #expect(
            rows.warning?.reason
                == "1 row hidden in the worksheet (filtered out or hidden by hand; line 7) read like the others: "
                + "to leave calls out, delete their rows rather than hide them")
        #expect(rows.warning?.line == 7)
    }

    @Test("runs of lines become ranges; past ten ranges the rest are counted, not named")
    func ranges() {
        var rows = HiddenRows()
        for line in [3, 4, 5, 9, 11, 12] { rows.add(line) }
        #expect(
            rows.warning?.reason.hasPrefix(
                "6 rows hidden in the worksheet (filtered out or hidden by hand; lines 3–5, 9, 11–12) ") == true)
        var many = HiddenRows()
        for line in stride(from: 2, through: 40, by: 2) { many.add(line) }
        let reason = many.warning?.reason ?? ""
        #expect(
            reason.hasPrefix(
                "20 rows hidden in the worksheet (filtered out or hidden by hand; lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, …) "
            ))
        // A run that goes on past the last range named still extends it.
        var run = HiddenRows()
        for line in stride(from: 2, through: 20, by: 2) { run.add(line) }
        run.add(21)
        run.add(30)
        #expect(run.warning?.reason.contains("lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20–21, …)") == true)
        #expect(run.count == 12)
    }
}
