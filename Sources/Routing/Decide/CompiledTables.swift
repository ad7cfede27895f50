/// The tables compiled for deciding: one keyword automaton for all rules, and for each keyword
/// the rules that need it, so a decision evaluates only rules that can match. A class: a
/// decision then passes one reference, not a copy of every table it holds.
final class CompiledTables: @unchecked Sendable {
    let automaton: KeywordAutomaton
    /// Every rule of every table, tables in order, rules in order: the index is the evaluation order.
    let rules: [CompiledRule]
    /// The rules' conditions, and for each keyword id the rules that cannot match without it
    /// (plus the rules that require no keyword), for the decision path.
    let program: RuleProgram
    /// Every district a `district` condition names, interned.
    let districts: DistrictIndex
    /// How many tables there are.
    let tableCount: Int
    /// The calendar, at a fixed address for the decisions' ``RoutingSubject`` (immutable).
    let calendar: UnsafeMutablePointer<WorkCalendar>
    /// What no rule sets, and the tables' version: here so a decision reads them from one
    /// reference rather than copying them out of the configuration.
    let fallback: RoutingConfiguration.DefaultOutcome
    let version: String

    init(
        _ tables: [RuleTable], calendar: WorkCalendar, fallback: RoutingConfiguration.DefaultOutcome, version: String
    ) {
        self.fallback = fallback
        self.version = version
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
        // Rules that also name districts, by keyword and district: found only for that district.
        var districtPostings: [[Int32: [Int32]]] = []
        var unindexed: [Int32] = []
        var implied: [Int32] = []
        for (tableIndex, table) in tables.enumerated() {
            for rule in table.rules {
                let index = Int32(rules.count)
                var required: [Int32]?
                // The condition the index answers: a rule found through one of its keywords_any
                // keywords needs that condition checked no more.
                var answered: Int32 = -1
                var districts: [Int32]?
                let conditions: [CompiledCondition] = rule.conditions.enumerated().map { position, condition in
                    switch condition {
                    case .keywordsAny(let list):
                        let mapped = list.map(id)
                        // One of them must be present: index the rule under each (unless an
                        // all-list gives a single keyword that must be present).
                        if required == nil {
                            required = mapped
                            answered = Int32(position)
                        }
                        return .keywordsAny(mapped)
                    case .keywordsAll(let list):
                        let mapped = list.map(id)
                        if let first = mapped.first {
                            required = [first]
                            answered = -1
                        }
                        return .keywordsAll(mapped)
                    case .keywordsNone(let list):
                        return .keywordsNone(list.map(id))
                    case .district(let names):
                        let mapped = names.sorted().map(districtID)
                        if districts == nil { districts = mapped }
                        return .district(mapped)
                    default:
                        return .other(condition)
                    }
                }
                if postings.count < keywords.count {
                    postings.append(contentsOf: repeatElement([], count: keywords.count - postings.count))
                    districtPostings.append(
                        contentsOf: repeatElement([:], count: keywords.count - districtPostings.count))
                }
                if let required, !required.isEmpty {
                    for keyword in Set(required) {
                        if let districts {
                            // A district the complaint is not in fails the rule: never a candidate there.
                            for district in Set(districts) {
                                districtPostings[Int(keyword)][district, default: []].append(index)
                            }
                        } else {
                            postings[Int(keyword)].append(index)
                        }
                    }
                    implied.append(answered)
                } else {
                    unindexed.append(index)
                    implied.append(-1)
                }
                rules.append(
                    CompiledRule(table: tableIndex, tableName: table.name, rule: rule, conditions: conditions))
            }
        }
        automaton = KeywordAutomaton(keywords: keywords)
        self.rules = rules
        program = RuleProgram(
            rules: rules, answered: implied, postings: postings, districtPostings: districtPostings,
            keywordCount: keywords.count, unindexed: unindexed)
        districts = DistrictIndex(districtIDs)
        tableCount = tables.count
        self.calendar = .allocate(capacity: 1)
        self.calendar.initialize(to: calendar)
    }

    deinit {
        calendar.deinitialize(count: 1)
        calendar.deallocate()
    }
}
