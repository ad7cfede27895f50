/// Finds rules that can never match because an earlier rule in the same table matches
/// everything they match (first match wins, so they are dead). Reported as warnings.
///
/// The test is conservative: it reports only when every condition of the earlier rule is implied
/// by a condition of the later one (a superset of channels, a keyword contained in the later
/// rule's keyword, and so on), so a warning is always a real dead rule.
enum ShadowedRules {
    struct Shadow: Equatable {
        /// The rule that is never reached.
        var hidden: Int
        /// The earlier rule that takes everything it would match.
        var by: Int
    }

    static func find(in rules: [Rule]) -> [Shadow] {
        var shadows: [Shadow] = []
        // Earlier rules with a keyword they require, by each such keyword; the rest checked always.
        var byKeyword: [String: [Int]] = [:]
        var unkeyed: [Int] = []
        for (index, rule) in rules.enumerated() {
            var candidates = unkeyed
            for keyword in positiveKeywords(rule) {
                for part in substrings(keyword) { candidates += byKeyword[part] ?? [] }
            }
            if let earlier = Set(candidates).sorted().first(where: { covers(rules[$0], rule) }) {
                shadows.append(Shadow(hidden: index, by: earlier))
            }
            let own = positiveKeywords(rule)
            if own.isEmpty {
                unkeyed.append(index)
            } else {
                for keyword in Set(own) { byKeyword[keyword, default: []].append(index) }
            }
        }
        return shadows
    }

    static func message(hidden: Rule, by earlier: Rule) -> String {
        let place = earlier.line.map { " (line \($0))" } ?? ""
        return "rule \"\(hidden.id)\" is never reached: the earlier rule \"\(earlier.id)\"\(place) "
            + "matches every complaint it matches"
    }

    /// Folded keywords of keywords_any and keywords_all.
    private static func positiveKeywords(_ rule: Rule) -> [String] {
        rule.conditions.flatMap { condition -> [String] in
            switch condition {
            case .keywordsAny(let list), .keywordsAll(let list): list.map(\.text)
            default: []
            }
        }
    }

    private static func substrings(_ text: String) -> Set<String> {
        let characters = Array(text)
        var parts: Set<String> = []
        for start in characters.indices {
            for end in (start + 1)...characters.count { parts.insert(String(characters[start..<end])) }
        }
        return parts
    }

    /// Whether every complaint matching `later` also matches `earlier`.
    static func covers(_ earlier: Rule, _ later: Rule) -> Bool {
        earlier.conditions.allSatisfy { condition in
            later.conditions.contains { implies($0, condition) }
        }
    }

    /// Whether `given` holding guarantees `wanted` holds.
    private static func implies(_ given: RuleCondition, _ wanted: RuleCondition) -> Bool {
        func containsSome(_ text: MatchText, _ parts: [MatchText]) -> Bool { parts.contains(where: text.contains) }
        switch (given, wanted) {
        case (.channel(let b), .channel(let a)): return b.isSubset(of: a)
        case (.adapter(let b), .adapter(let a)): return b.isSubset(of: a)
        case (.category(let b), .category(let a)): return b.isSubset(of: a)
        case (.district(let b), .district(let a)): return b.isSubset(of: a)
        case (.weekday(let b), .weekday(let a)): return b.isSubset(of: a)
        case (.keywordsAny(let b), .keywordsAny(let a)), (.addressContains(let b), .addressContains(let a)):
            return b.allSatisfy { containsSome($0, a) }
        case (.keywordsAll(let b), .keywordsAny(let a)): return b.contains { containsSome($0, a) }
        case (.keywordsAll(let b), .keywordsAll(let a)):
            return a.allSatisfy { wanted in b.contains { $0.contains(wanted) } }
        case (.keywordsAny(let b), .keywordsAll(let a)) where b.count == 1:
            return a.allSatisfy { b[0].contains($0) }
        case (.keywordsNone(let b), .keywordsNone(let a)):
            return a.allSatisfy { wanted in b.contains { wanted.contains($0) } }
        case (.phonePrefix(let b), .phonePrefix(let a)):
            return b.allSatisfy { number in a.contains { number.hasPrefix($0) } }
        case (.emailDomain(let b), .emailDomain(let a)):
            return b.allSatisfy { domain in a.contains { domain == $0 || domain.hasSuffix("." + $0) } }
        case (.regex(let b), .regex(let a)): return a == b
        case (.timeOfDay(let b), .timeOfDay(let a)): return b.isWithin(a)
        case (.workday(let b), .workday(let a)): return a == b
        case (.hasAttachments(let b), .hasAttachments(let a)): return a == b
        default: return false
        }
    }
}
