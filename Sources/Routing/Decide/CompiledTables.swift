/// The tables compiled for deciding: one keyword automaton for all rules, and for each keyword
/// the rules that need it, so a decision evaluates only rules that can match.
struct CompiledTables: Sendable {
    let automaton: KeywordAutomaton
    /// Every rule of every table, tables in order, rules in order: the index is the evaluation order.
    let rules: [CompiledRule]
    /// For each keyword id, the rules (ascending indexes) that cannot match without it.
    let postings: [[Int32]]
    /// Rules with no keyword they require (no keywords_any/keywords_all): always candidates.
    let unindexed: [Int32]
    /// Every district a `district` condition names, interned.
    let districtIDs: [String: Int32]

    init(_ tables: [RuleTable]) {
        var ids: [MatchText: Int32] = [:]
        var keywords: [[UInt32]] = []
        func id(_ keyword: MatchText) -> Int32 {
            if let known = ids[keyword] { return known }
            let new = Int32(keywords.count)
            ids[keyword] = new
            keywords.append(keyword.scalars)
            return new
        }
        var districtIDs: [String: Int32] = [:]
        func districtID(_ name: String) -> Int32 {
            if let known = districtIDs[name] { return known }
            let new = Int32(districtIDs.count)
            districtIDs[name] = new
            return new
        }
        var rules: [CompiledRule] = []
        var postings: [[Int32]] = []
        var unindexed: [Int32] = []
        for (tableIndex, table) in tables.enumerated() {
            for rule in table.rules {
                let index = Int32(rules.count)
                var required: [Int32]?
                let conditions: [CompiledCondition] = rule.conditions.map { condition in
                    switch condition {
                    case .keywordsAny(let list):
                        let mapped = list.map(id)
                        // One of them must be present: index the rule under each (unless an
                        // all-list gives a single keyword that must be present).
                        if required == nil { required = mapped }
                        return .keywordsAny(mapped)
                    case .keywordsAll(let list):
                        let mapped = list.map(id)
                        if let first = mapped.first { required = [first] }
                        return .keywordsAll(mapped)
                    case .keywordsNone(let list):
                        return .keywordsNone(list.map(id))
                    case .district(let names):
                        return .district(names.sorted().map(districtID))
                    default:
                        return .other(condition)
                    }
                }
                if postings.count < keywords.count {
                    postings.append(contentsOf: repeatElement([], count: keywords.count - postings.count))
                }
                if let required, !required.isEmpty {
                    for keyword in Set(required) { postings[Int(keyword)].append(index) }
                } else {
                    unindexed.append(index)
                }
                rules.append(
                    CompiledRule(table: tableIndex, tableName: table.name, rule: rule, conditions: conditions))
            }
        }
        automaton = KeywordAutomaton(keywords: keywords)
        self.rules = rules
        self.postings = postings
        self.unindexed = unindexed
        self.districtIDs = districtIDs
    }
}
