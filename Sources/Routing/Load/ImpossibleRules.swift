/// Finds a rule that can never match because its own keyword conditions contradict each other:
/// a `keywords_none` keyword found inside a `keywords_all` keyword (every text that has the one
/// has the other), or inside every `keywords_any` keyword. Reported as a warning, as a rule
/// shadowed by an earlier one is.
enum ImpossibleRules {
    /// Why `rule` can never match, nil when it can.
    static func reason(_ rule: Rule) -> String? {
        var all: [MatchText] = []
        var any: [[MatchText]] = []
        var none: [MatchText] = []
        for condition in rule.conditions {
            switch condition {
            case .keywordsAll(let list): all += list
            case .keywordsAny(let list): any.append(list)
            case .keywordsNone(let list): none += list
            default: break
            }
        }
        guard !none.isEmpty else { return nil }
        for keyword in all {
            if let excluded = none.first(where: { keyword.contains($0) }) {
                return "rule \"\(rule.id)\" can never match: keywords_all's \"\(keyword)\" contains keywords_none's "
                    + "\"\(excluded)\""
            }
        }
        for list in any where list.allSatisfy({ keyword in none.contains { keyword.contains($0) } }) {
            return "rule \"\(rule.id)\" can never match: every keyword of keywords_any contains one of keywords_none's"
        }
        return nil
    }
}
