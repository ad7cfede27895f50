import Testing

@testable import GatewayServer

/// The rejected-rows file of a workbook read from sheets with different headers: every sheet's
/// columns, each row's values under its own column's name.
@Suite("Sheet plan columns")
struct SheetPlanTests {
    @Test("the columns of sheets whose headers differ: the first's, then each new one, a name twice kept twice")
    func columns() {
        #expect(SheetPlan.columns(of: [["编号", "时间"], ["编号", "时间"]]) == nil)
        let columns = SheetPlan.columns(of: [["编号", "时间", ""], ["时间", "", "编号", "", "结果"]])
        #expect(columns == ["编号", "时间", "", "", "结果"])
        #expect(SheetPlan.positions(of: ["时间", "", "编号", "", "结果"], in: columns ?? []) == [1, 2, 0, 3, 4])
        #expect(SheetPlan.positions(of: ["编号", "时间", ""], in: columns ?? []) == [0, 1, 2])
    }
}
