import ComplaintCore
import Yams

/// Reads one YAML rule table, reporting every problem with its line, column and field.
///
/// ```yaml
/// rules:
///   - id: noise-night
///     when: { channel: [api, sms], keywords_any: [噪音, 施工], time_of_day: "22:00-06:00" }
///     then: { department: urban-management, priority: high, due: 3 workdays, tags: [夜间] }
/// ```
enum RuleTableReader {
    static func read(_ root: ConfigNode, name: String, file: String, departments: Set<String>) -> RuleTable {
        let root = root.reportingColumns()
        let parser = RuleFieldParser(departments: departments)
        root.expectMapping(allowedKeys: ["rules", "description"])
        var rules: [Rule] = []
        var locations: [(line: Int?, column: Int?)] = []
        var seenIDs: [String: Int] = [:]
        if !root["rules"].isPresent, root.isPresent {
            root["rules"].error("required field is missing")
        }
        let errorsBefore = root.diagnostics.errors.count
        for node in root["rules"].items() {
            node.expectMapping(allowedKeys: ["id", "description", "when", "then"])
            let id = node["id"].requiredString() ?? ""
            if !id.isEmpty {
                if let first = seenIDs[id] {
                    node["id"].error("duplicate rule id \"\(id)\" (first defined on line \(first))")
                } else {
                    seenIDs[id] = node["id"].line ?? 0
                }
            }
            let conditions = readConditions(node["when"], parser: parser)
            if !node["when"].isPresent {
                node.error(
                    "empty rule \"\(id)\": no `when` conditions (write `when: {}` for a rule that matches everything)")
            }
            let errorsBeforeOutcome = root.diagnostics.errors.count
            let outcome = readOutcome(node["then"], parser: parser)
            if outcome.isEmpty, root.diagnostics.errors.count == errorsBeforeOutcome {
                node["then"].error("rule \"\(id)\" decides nothing: set department, priority, due or tags")
            }
            rules.append(Rule(id: id, conditions: conditions, outcome: outcome, line: node.line))
            locations.append((node.line, node.column))
        }
        // Dead rules only make sense to look for in a table that is otherwise valid.
        let shadows = root.diagnostics.errors.count == errorsBefore ? ShadowedRules.find(in: rules) : []
        for shadow in shadows {
            let location = locations[shadow.hidden]
            let earlier = rules[shadow.by]
            root.diagnostics.report(
                ConfigIssue(
                    file: file, line: location.line, column: location.column, field: "rules[\(shadow.hidden)]",
                    message: ShadowedRules.message(hidden: rules[shadow.hidden], by: earlier),
                    severity: .warning))
        }
        for (index, rule) in rules.enumerated() {
            guard let reason = ImpossibleRules.reason(rule) else { continue }
            root.diagnostics.report(
                ConfigIssue(
                    file: file, line: locations[index].line, column: locations[index].column, field: "rules[\(index)]",
                    message: reason, severity: .warning))
        }
        return RuleTable(name: name, file: file, rules: rules)
    }

    private static func readConditions(_ node: ConfigNode, parser: RuleFieldParser) -> [RuleCondition] {
        var conditions: [RuleCondition] = []
        for (key, value) in node.entries() {
            let values: [String]
            if key == "regex" {
                values = value.string().map { [$0] } ?? []
            } else if let problem = scalarWhereListBelongs(key, value) {
                value.error(problem)
                continue
            } else {
                values = value.stringList()
            }
            if let condition = parser.condition(key, values, report: value.error, warn: value.warning) {
                conditions.append(condition)
            }
        }
        return conditions
    }

    /// A string where a list belongs (`keywords_any: 停水 没水`, `keywords_any: "停水,没水"`) is
    /// one value, so one keyword that no complaint contains. It is refused when it holds a space or
    /// a list separator; a lone word stays a list of one, as the loader has always read it.
    private static func scalarWhereListBelongs(_ key: String, _ value: ConfigNode) -> String? {
        guard RuleCondition.keys.contains(key), !RuleFieldParser.singleValueConditions.contains(key),
            case .scalar(let scalar) = value.node, value.isPresent
        else { return nil }
        let text = scalar.string
        let splits = { (character: Character) in
            character.isWhitespace || RuleFieldParser.listSeparators.contains(character)
        }
        guard text.contains(where: splits) else { return nil }
        let parts = text.split(whereSeparator: splits)
        let hasSeparator = text.contains(where: RuleFieldParser.listSeparators.contains)
        return "\(key) takes a list, and \"\(text)\" is one value: write [\(parts.joined(separator: ", "))] "
            + (hasSeparator ? "for \(parts.count) values" : "for \(parts.count) values, or [\"\(text)\"] for one")
    }

    private static func readOutcome(_ node: ConfigNode, parser: RuleFieldParser) -> RuleOutcome {
        var outcome = RuleOutcome()
        if !node.isPresent {
            node.error("required field is missing")
            return outcome
        }
        if node["due"].isPresent, node["due_in_hours"].isPresent {
            node["due_in_hours"].error("set either due or due_in_hours, not both")
        }
        for (key, value) in node.entries() {
            parser.outcome(key, value.stringList(), into: &outcome, report: value.error)
        }
        return outcome
    }
}
