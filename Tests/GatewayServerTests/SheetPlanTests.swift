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

    @Test("sheet names that say no calls: Chinese words anywhere, English ones as whole words")
    func namedNoCalls() {
        #expect(NoCallsSheetName.word(in: "已删除工单") == "删除")
        #expect(NoCallsSheetName.word(in: "填写示例") == "示例")
        #expect(NoCallsSheetName.word(in: "模板导入") == "模板")
        #expect(NoCallsSheetName.word(in: "Deleted tickets") == "deleted")
        #expect(NoCallsSheetName.word(in: "TEST工单") == "test")
        #expect(NoCallsSheetName.word(in: "Latest") == nil)
        #expect(NoCallsSheetName.word(in: "Avoid list") == nil)
        #expect(NoCallsSheetName.word(in: "2026年11月") == nil)
        #expect(NoCallsSheetName.word(in: "工单明细") == nil)
    }
}
