import ComplaintCore

extension HotlineRowMapper {
    /// Labels of the lines a report writes under its table: who made or exported it and when, a
    /// note on the data. Chinese exports close with `制表人：张三　制表时间：2026-11-03`.
    private static let footnoteLabels = [
        "制表人", "制表时间", "制表日期", "制表单位", "导出人", "导出时间", "导出日期", "打印人", "打印时间", "打印日期",
        "统计时间", "统计日期", "统计周期", "统计范围", "审核人", "填报人", "填报单位", "填表人", "填表时间", "数据来源",
        "报表时间", "备注", "注", "说明", "exported by", "exported at", "export time", "generated at", "printed at",
        "printed by", "note", "notes",
    ]

    /// The text of a note under the table (`制表人：张三`, `导出时间 | 2026-11-03 10:00`): at most
    /// two fields filled, the first a label as it stands or followed by a colon. Such a row can be
    /// no call (a call has its ticket, time and text filled), so it is skipped and named rather
    /// than rejected as a broken call.
    public static func footnoteText(_ fields: [String]) -> String? {
        guard hasAtMost(2, filledIn: fields) else { return nil }
        let filled = fields.compactMap { TextNormalizer.normalizeOptional($0) }
        guard let first = filled.first?.lowercased() else { return nil }
        let labelled = footnoteLabels.contains { label in
            guard first.hasPrefix(label) else { return false }
            let rest = first.dropFirst(label.count).drop { $0 == " " || $0 == "\u{3000}" }
            return rest.isEmpty ? filled.count == 2 || first == label : rest.first == ":" || rest.first == "："
        }
        return labelled ? filled.joined(separator: " ") : nil
    }
}
