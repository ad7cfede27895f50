import ComplaintCore

/// Reads one YAML rule table, reporting every problem with its line and field.
///
/// ```yaml
/// rules:
///   - id: noise-night
///     when: { channel: [api, sms], category: [投诉], keywords_any: [噪音, 施工] }
///     then: { department: urban-management, priority: high, due_in_hours: 72 }
/// ```
enum RuleTableReader {
    static let conditionKeys: Set<String> = ["channel", "category", "keywords_any"]
    static let outcomeKeys: Set<String> = ["department", "priority", "due_in_hours"]

    static func read(_ root: ConfigNode, name: String, departments: Set<String>) -> RuleTable {
        root.expectMapping(allowedKeys: ["rules", "description"])
        var rules: [Rule] = []
        var seenIDs: Set<String> = []
        if !root["rules"].isPresent, root.isPresent {
            root["rules"].error("required field is missing")
        }
        for node in root["rules"].items() {
            node.expectMapping(allowedKeys: ["id", "description", "when", "then"])
            let id = node["id"].requiredString() ?? ""
            if !id.isEmpty, !seenIDs.insert(id).inserted {
                node["id"].error("duplicate rule id \"\(id)\" in table \(name)")
            }
            let conditions = readConditions(node["when"])
            let errorsBefore = root.diagnostics.errors.count
            let outcome = readOutcome(node["then"], departments: departments)
            if outcome == RuleOutcome(), root.diagnostics.errors.count == errorsBefore {
                node["then"].error("rule \"\(id)\" decides nothing: set department, priority or due_in_hours")
            }
            rules.append(Rule(id: id, conditions: conditions, outcome: outcome, line: node.line))
        }
        return RuleTable(name: name, rules: rules)
    }

    private static func readConditions(_ node: ConfigNode) -> [RuleCondition] {
        node.expectMapping(allowedKeys: conditionKeys)
        var conditions: [RuleCondition] = []
        if node["channel"].isPresent {
            var channels: Set<Channel> = []
            for value in node["channel"].stringList() {
                if let channel = Channel(rawValue: value.lowercased()) {
                    channels.insert(channel)
                } else {
                    node["channel"].error("unknown channel \"\(value)\" (channels: email, sms, hotline, api)")
                }
            }
            conditions.append(.channel(channels))
        }
        if node["category"].isPresent {
            let categories = node["category"].stringList().map(TextNormalizer.normalize)
            conditions.append(.category(Set(categories)))
        }
        if node["keywords_any"].isPresent {
            let keywords = node["keywords_any"].stringList().map { MatchText(TextNormalizer.normalize($0)) }
            if keywords.contains(where: \.bytes.isEmpty) {
                node["keywords_any"].error("a keyword is empty (it would match every complaint)")
            }
            if keywords.isEmpty { node["keywords_any"].error("list is empty") }
            conditions.append(.keywordsAny(keywords.filter { !$0.bytes.isEmpty }))
        }
        return conditions
    }

    private static func readOutcome(_ node: ConfigNode, departments: Set<String>) -> RuleOutcome {
        if !node.isPresent {
            node.error("required field is missing")
            return RuleOutcome()
        }
        node.expectMapping(allowedKeys: outcomeKeys)
        var outcome = RuleOutcome()
        if let department = node["department"].string() {
            if departments.contains(department) {
                outcome.department = department
            } else {
                node["department"].error(RoutingLoader.unknownDepartment(department, departments))
            }
        }
        if node["priority"].isPresent {
            outcome.priority = node["priority"].oneOf(Priority.self, default: .normal)
        }
        if node["due_in_hours"].isPresent {
            outcome.dueInHours = node["due_in_hours"].int(default: 72, in: 1...87_600)
        }
        return outcome
    }
}
