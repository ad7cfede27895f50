import ComplaintCore

/// One condition of a rule; a rule matches when all of its conditions hold.
public enum RuleCondition: Sendable, Hashable {
    /// The complaint arrived through one of these channels.
    case channel(Set<Channel>)
    /// The complaint's category is one of these (exact, after text normalization).
    case category(Set<String>)
    /// Subject or text contains at least one of these keywords (folded with ``MatchText``).
    case keywordsAny([MatchText])

    /// The YAML key of the condition, as shown in explanations.
    public var key: String {
        switch self {
        case .channel: "channel"
        case .category: "category"
        case .keywordsAny: "keywords_any"
        }
    }

    /// Whether the condition holds; the fast path, with no message built.
    func holds(on subject: RoutingSubject) -> Bool {
        switch self {
        case .channel(let channels): channels.contains(subject.channel)
        case .category(let categories): subject.category.map(categories.contains) ?? false
        case .keywordsAny(let keywords): keywords.contains(where: subject.foldedText.contains)
        }
    }

    /// Evaluates the condition; nil when it holds, else why it failed (for explanations).
    func failure(on subject: RoutingSubject) -> String? {
        switch self {
        case .channel(let channels):
            return channels.contains(subject.channel)
                ? nil
                : "channel: \(subject.channel.rawValue) not in \(channels.map(\.rawValue).sorted().joined(separator: "|"))"
        case .category(let categories):
            guard let category = subject.category else { return "category: complaint has no category" }
            return categories.contains(category)
                ? nil : "category: \(category) not in \(categories.sorted().joined(separator: "|"))"
        case .keywordsAny(let keywords):
            return keywords.contains(where: subject.foldedText.contains)
                ? nil : "keywords_any: none of \(keywords.map(\.text).joined(separator: "|")) in text"
        }
    }
}
