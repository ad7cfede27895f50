import ComplaintCore
import Foundation

/// A rule ready to evaluate: its keywords replaced by the automaton's ids.
struct CompiledRule: Sendable {
    let table: Int
    let rule: Rule
    let conditions: [CompiledCondition]
}

/// ``RuleCondition`` with keywords as automaton ids; the rest as loaded.
enum CompiledCondition: Sendable {
    case keywordsAny([Int32])
    case keywordsAll([Int32])
    case keywordsNone([Int32])
    case other(RuleCondition)

    /// Whether the condition holds for `subject`.
    func holds(on subject: inout RoutingSubject) -> Bool {
        switch self {
        case .keywordsAny(let ids): return ids.contains { subject.hits.contains($0) }
        case .keywordsAll(let ids): return ids.allSatisfy { subject.hits.contains($0) }
        case .keywordsNone(let ids): return !ids.contains { subject.hits.contains($0) }
        case .other(let condition): return condition.holds(on: &subject)
        }
    }
}

extension RuleCondition {
    /// Whether a non-keyword condition holds (keyword conditions are decided by their ids).
    func holds(on subject: inout RoutingSubject) -> Bool {
        let complaint = subject.complaint
        switch self {
        case .channel(let channels): return channels.contains(complaint.channel)
        case .adapter(let adapters): return adapters.contains(complaint.source.adapter.lowercased())
        case .category(let categories): return complaint.category.map(categories.contains) ?? false
        case .keywordsAny(let keywords):
            let text = MatchText(subject.searchText)
            return keywords.contains(where: text.contains)
        case .keywordsAll(let keywords):
            let text = MatchText(subject.searchText)
            return keywords.allSatisfy(text.contains)
        case .keywordsNone(let keywords):
            let text = MatchText(subject.searchText)
            return !keywords.contains(where: text.contains)
        case .regex(let pattern): return pattern.matches(subject.searchText)
        case .district(let districts): return complaint.location.district.map(districts.contains) ?? false
        case .addressContains(let parts):
            guard let address = complaint.location.address else { return false }
            let folded = MatchText(address)
            return parts.contains(where: folded.contains)
        case .phonePrefix(let prefixes):
            guard let phone = complaint.complainant.phone else { return false }
            return prefixes.contains { phone.hasPrefix($0) }
        case .emailDomain(let domains):
            guard let domain = Self.domain(of: complaint.complainant.email) else { return false }
            return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
        case .timeOfDay(let range): return range.contains(minute: subject.local().minute)
        case .weekday(let days): return days.contains(Weekday(epochDay: subject.local().day))
        case .workday(let wanted): return subject.calendar.isWorkday(subject.local().day) == wanted
        case .hasAttachments(let wanted): return complaint.attachments.isEmpty != wanted
        }
    }

    /// The lowercase domain of an email address, nil when there is none.
    static func domain(of email: String?) -> String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : domain
    }
}
