/// The rules that matched in one decision, as indices into the compiled tables, turned into
/// ``RuleTrial`` values only when someone reads the trace.
///
/// Routing a complaint usually matches one rule per table and few tables run, so the indices
/// sit inline: the decision path allocates nothing for its trail and copies no strings.
struct MatchedRules: Sendable {
    private let compiled: CompiledTables
    private var inline: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
    private var inlineCount = 0
    /// Matches past the inline four (more tables than that matched).
    private var overflow: [Int32] = []

    init(_ compiled: CompiledTables) { self.compiled = compiled }

    mutating func append(_ rule: Int32) {
        switch inlineCount {
        case 0: inline.0 = rule
        case 1: inline.1 = rule
        case 2: inline.2 = rule
        case 3: inline.3 = rule
        default:
            overflow.append(rule)
            return
        }
        inlineCount += 1
    }

    /// Calls `body` with each matched rule, in order.
    func forEachRule(_ body: (CompiledRule) -> Void) {
        let first = [inline.0, inline.1, inline.2, inline.3].prefix(inlineCount)
        for index in first { body(compiled.rules[Int(index)]) }
        for index in overflow { body(compiled.rules[Int(index)]) }
    }

    /// The matched rules as the trace shows them, in order.
    var trials: [RuleTrial] {
        var trials: [RuleTrial] = []
        trials.reserveCapacity(inlineCount + overflow.count)
        forEachRule { rule in
            trials.append(
                RuleTrial(
                    table: rule.tableName, rule: rule.rule.id, matched: true, failed: nil,
                    tags: rule.rule.outcome.tags))
        }
        return trials
    }
}
