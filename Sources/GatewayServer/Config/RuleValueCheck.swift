import ComplaintCore
import HotlineCSVAdapter
import Routing

/// Rule values that name nothing this configuration produces: a `district` no hotline profile
/// lists, an `adapter` that is no SMS provider, profile, mailbox or token. A rule on such a value
/// never fires for what this gateway takes in, which is most often a typo (`拱墅` for 拱墅区,
/// `alibaba` for aliyun). Warnings, not errors: an API client may send any district, and a
/// provider may be switched on later.
enum RuleValueCheck {
    static func warnings(
        _ routing: RoutingConfiguration, profiles: [String: HotlineProfile], adapters: Set<String>
    ) -> [ConfigIssue] {
        let districts = Set(profiles.values.flatMap(\.districts) + routing.districts)
        let sources = Set(adapters.map { $0.lowercased() })
        var issues: [ConfigIssue] = []
        for table in routing.tables {
            for rule in table.rules {
                for condition in rule.conditions {
                    switch condition {
                    case .district(let values) where !districts.isEmpty:
                        for value in values.sorted() where !districts.contains(value) {
                            issues.append(
                                warning(
                                    table, rule, field: "district",
                                    "district \"\(value)\" is in no hotline profile's districts nor routing.districts"
                                        + suggestion(value, among: districts)
                                        + ": only a complaint whose location.district is exactly \"\(value)\" matches"))
                        }
                    case .adapter(let values):
                        for value in values.sorted() where !sources.contains(value.lowercased()) {
                            issues.append(
                                warning(
                                    table, rule, field: "adapter",
                                    "adapter \"\(value)\" is no SMS provider, hotline profile, mailbox or token of "
                                        + "this configuration (\(sources.sorted().joined(separator: ", "))): the rule "
                                        + "matches only complaints from an adapter of that name"))
                        }
                    default: break
                    }
                }
            }
        }
        return issues
    }

    private static func warning(_ table: RuleTable, _ rule: Rule, field: String, _ message: String) -> ConfigIssue {
        ConfigIssue(
            file: table.file, line: rule.line, field: "rule \(rule.id).\(field)", message: message, severity: .warning)
    }

    /// `: did you mean 拱墅区?` when a listed name contains the value or the value contains it.
    private static func suggestion(_ value: String, among names: Set<String>) -> String {
        guard let close = names.sorted().first(where: { $0.contains(value) || value.contains($0) }) else { return "" }
        return " (did you mean \(close)?)"
    }
}
