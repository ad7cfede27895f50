/// Worksheet names that say a sheet holds no calls to take though its header fits the profile:
/// a template or an example filled in (a made-up caller, sent to a department as a complaint if
/// read), tickets deleted, voided or withdrawn, a backup copy, a test. Call centres keep such
/// sheets beside the month's log; staff rename a sheet to have it read.
enum NoCallsSheetName {
    /// Words that say so anywhere in a Chinese name.
    static let chinese = ["模板", "模版", "示例", "样例", "范例", "删除", "作废", "撤销", "撤回", "备份", "测试"]
    /// Words that say so as a whole word of a name in English (`Latest` is no test, `Avoid` no void).
    static let english: Set<String> = [
        "template", "sample", "samples", "example", "examples", "deleted", "delete", "void", "voided", "cancelled",
        "canceled", "backup", "test", "testing",
    ]

    /// The word in `name` that says it holds no calls; nil for a name that does not.
    static func word(in name: String) -> String? {
        if let word = chinese.first(where: { name.contains($0) }) { return word }
        let words = name.lowercased().split { !$0.isLetter || $0.unicodeScalars.contains { $0.value >= 0x2E80 } }
        return words.first { english.contains(String($0)) }.map(String.init)
    }
}
