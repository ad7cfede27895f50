/// The rules' conditions and keyword index as plain numbers in flat buffers, for the decision
/// path: evaluating a candidate rule touches no class instance, array or string, so costs no
/// reference counting; only a rule that matches is looked up as a ``CompiledRule``.
///
/// Immutable after init, like ``KeywordAutomaton``.
final class RuleProgram: @unchecked Sendable {
    /// One condition: `kind`, and its operands `operands[start..<end]` (keyword or district ids),
    /// or for ``Kind/other`` the index `start` into ``others``.
    struct Check {
        enum Kind: UInt8 {
            case keywordsAny, keywordsAll, keywordsNone, district, other
        }
        var kind: Kind
        var start: Int32
        var end: Int32
    }

    /// Rule `r`'s conditions are `checks[checkStart[r]..<checkStart[r + 1]]`, except the one its
    /// keyword index answers (so a rule must only be tried when that index or ``unindexed`` names it).
    let checkStart: UnsafeMutableBufferPointer<Int32>
    let checks: UnsafeMutableBufferPointer<Check>
    let operands: UnsafeMutableBufferPointer<Int32>
    /// Conditions evaluated as loaded (channel, regex, time…).
    let others: [RuleCondition]
    /// The table index of each rule.
    let ruleTable: UnsafeMutableBufferPointer<Int32>
    /// For keyword `k`, the rules (ascending) that cannot match without it and name no district:
    /// `postings[postingStart[k]..<postingStart[k + 1]]`.
    let postingStart: UnsafeMutableBufferPointer<Int32>
    let postings: UnsafeMutableBufferPointer<Int32>
    /// For keyword `k`, the rules that cannot match without it, by the district they require:
    /// `districtLists[districtStart[k]..<districtStart[k + 1]]`, each (district id, start, end)
    /// of a run of ``postings``.
    let districtStart: UnsafeMutableBufferPointer<Int32>
    let districtLists: UnsafeMutableBufferPointer<(district: Int32, start: Int32, end: Int32)>
    /// Rules no keyword indexes (ascending): candidates whatever the text.
    let unindexed: UnsafeMutableBufferPointer<Int32>

    /// `answered[r]`: the position of the condition of rule `r` that finding the rule through
    /// ``postings`` proves (its keywords_any list indexes it), -1 for none.
    init(
        rules: [CompiledRule], answered: [Int32], postings keywordPostings: [[Int32]],
        districtPostings: [[Int32: [Int32]]], keywordCount: Int, unindexed: [Int32]
    ) {
        var starts: [Int32] = [0]
        var checks: [Check] = []
        var operands: [Int32] = []
        var others: [RuleCondition] = []
        func operandRange(_ ids: [Int32]) -> (Int32, Int32) {
            let start = Int32(operands.count)
            operands.append(contentsOf: ids)
            return (start, Int32(operands.count))
        }
        for (index, rule) in rules.enumerated() {
            for (position, condition) in rule.conditions.enumerated() {
                if position == answered[index] { continue }
                switch condition {
                case .keywordsAny(let ids):
                    let (start, end) = operandRange(ids)
                    checks.append(Check(kind: .keywordsAny, start: start, end: end))
                case .keywordsAll(let ids):
                    let (start, end) = operandRange(ids)
                    checks.append(Check(kind: .keywordsAll, start: start, end: end))
                case .keywordsNone(let ids):
                    let (start, end) = operandRange(ids)
                    checks.append(Check(kind: .keywordsNone, start: start, end: end))
                case .district(let ids):
                    let (start, end) = operandRange(ids)
                    checks.append(Check(kind: .district, start: start, end: end))
                case .other(let condition):
                    checks.append(Check(kind: .other, start: Int32(others.count), end: Int32(others.count)))
                    others.append(condition)
                }
            }
            starts.append(Int32(checks.count))
        }
        var postingStart: [Int32] = [0]
        var flat: [Int32] = []
        for keyword in 0..<keywordCount {
            if keyword < keywordPostings.count { flat.append(contentsOf: keywordPostings[keyword]) }
            postingStart.append(Int32(flat.count))
        }
        var districtStart: [Int32] = [0]
        var districtLists: [(district: Int32, start: Int32, end: Int32)] = []
        for keyword in 0..<keywordCount {
            if keyword < districtPostings.count {
                for (district, list) in districtPostings[keyword].sorted(by: { $0.key < $1.key }) {
                    districtLists.append((district, Int32(flat.count), Int32(flat.count + list.count)))
                    flat.append(contentsOf: list)
                }
            }
            districtStart.append(Int32(districtLists.count))
        }
        self.districtStart = Self.buffer(districtStart)
        self.districtLists = Self.buffer(districtLists)
        checkStart = Self.buffer(starts)
        self.checks = Self.buffer(checks)
        self.operands = Self.buffer(operands)
        self.others = others
        ruleTable = Self.buffer(rules.map { Int32($0.table) })
        self.postingStart = Self.buffer(postingStart)
        postings = Self.buffer(flat)
        self.unindexed = Self.buffer(unindexed)
    }

    private static func buffer<Element>(_ values: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, values.count))
        _ = buffer.initialize(from: values)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<values.count])
    }

    deinit {
        for buffer in [checkStart, operands, ruleTable, postingStart, postings, unindexed] { buffer.deallocate() }
        checks.deallocate()
        districtStart.deallocate()
        districtLists.deallocate()
    }

    /// The non-empty run of ``postings`` for keyword `keyword` in district `district`, if any:
    /// a binary search, as a keyword can have a list in every district.
    @inline(__always)
    func districtList(keyword: Int, district: Int32) -> (start: Int32, end: Int32)? {
        var low = Int(districtStart[keyword])
        var high = Int(districtStart[keyword + 1])
        while low < high {
            let middle = (low + high) >> 1
            let list = districtLists[middle]
            if list.district == district { return list.end > list.start ? (list.start, list.end) : nil }
            if list.district < district { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Whether every condition of rule `rule` holds for `subject`.
    @inline(__always)
    func holds(_ rule: Int, on subject: inout RoutingSubject) -> Bool {
        var check = Int(checkStart[rule])
        let end = Int(checkStart[rule + 1])
        while check < end {
            let condition = checks[check]
            var ids: UnsafeBufferPointer<Int32> {
                UnsafeBufferPointer(rebasing: operands[Int(condition.start)..<Int(condition.end)])
            }
            let holds: Bool
            switch condition.kind {
            case .keywordsAny: holds = ids.contains { subject.hits.contains($0) }
            case .keywordsAll: holds = ids.allSatisfy { subject.hits.contains($0) }
            case .keywordsNone: holds = !ids.contains { subject.hits.contains($0) }
            case .district: holds = subject.districtID >= 0 && ids.contains(subject.districtID)
            case .other: holds = others[Int(condition.start)].holds(on: &subject)
            }
            if !holds { return false }
            check += 1
        }
        return true
    }
}
