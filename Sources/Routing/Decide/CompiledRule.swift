import ComplaintCore
import Foundation

/// A rule ready to evaluate: its keywords replaced by the automaton's ids, its districts by
/// interned ids. A class, so the decision loop passes one reference rather than copying fields.
final class CompiledRule: Sendable {
    let table: Int
    let tableName: String
    let rule: Rule
    let conditions: [CompiledCondition]

    init(table: Int, tableName: String, rule: Rule, conditions: [CompiledCondition]) {
        self.table = table
        self.tableName = tableName
        self.rule = rule
        self.conditions = conditions
    }
}

/// ``RuleCondition`` with keywords as automaton ids; the rest as loaded.
enum CompiledCondition: Sendable {
    case keywordsAny([Int32])
    case keywordsAll([Int32])
    case keywordsNone([Int32])
    /// `district`, as ids interned at compile time (compared without hashing text per rule).
    case district([Int32])
    case other(RuleCondition)

    /// Whether the condition holds for `subject`.
    func holds(on subject: inout RoutingSubject) -> Bool {
        switch self {
        case .keywordsAny(let ids): return ids.contains { subject.hits.contains($0) }
        case .keywordsAll(let ids): return ids.allSatisfy { subject.hits.contains($0) }
        case .keywordsNone(let ids): return !ids.contains { subject.hits.contains($0) }
        case .district(let ids): return subject.districtID >= 0 && ids.contains(subject.districtID)
        case .other(let condition): return condition.holds(on: &subject)
        }
    }
}

extension RuleCondition {
    /// Whether a non-keyword condition holds (keyword conditions are decided by their ids).
    func holds(on subject: inout RoutingSubject) -> Bool {
        switch self {
        case .channel(let channels): return channels.contains(subject.complaint.pointee.channel)
        case .adapter(let adapters): return adapters.contains(subject.complaint.pointee.source.adapter.lowercased())
        case .category(let categories): return subject.complaint.pointee.category.map(categories.contains) ?? false
        case .keywordsAny(let keywords):
            let text = MatchText(subject.searchText)
            return keywords.contains(where: text.contains)
        case .keywordsAll(let keywords):
            let text = MatchText(subject.searchText)
            return keywords.allSatisfy(text.contains)
        case .keywordsNone(let keywords):
            let text = MatchText(subject.searchText)
            return !keywords.contains(where: text.contains)
        case .regex(let pattern):
            switch pattern.match(subject.searchText) {
            case .match: return true
            case .noMatch: return false
            case .timedOut:
                subject.timedOutPatterns.append(pattern.source)
                return false
            }
        case .district(let districts):
            return subject.complaint.pointee.location.district.map(districts.contains) ?? false
        case .addressContains(let parts):
            guard let address = subject.complaint.pointee.location.address else { return false }
            let folded = MatchText(address)
            return parts.contains(where: folded.contains)
        case .phonePrefix(let prefixes):
            guard let phone = subject.complaint.pointee.complainant.phone else { return false }
            return prefixes.contains { phone.hasPrefix($0) }
        case .emailDomain(let domains):
            guard let domain = Self.domain(of: subject.complaint.pointee.complainant.email) else { return false }
            return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
        case .timeOfDay(let range): return range.contains(minute: subject.local().minute)
        case .weekday(let days): return days.contains(Weekday(epochDay: subject.local().day))
        case .workday(let wanted): return subject.calendar.pointee.isWorkday(subject.local().day) == wanted
        case .hasAttachments(let wanted): return subject.complaint.pointee.attachments.isEmpty != wanted
        }
    }

    /// The lowercase domain of an email address, nil when there is none.
    static func domain(of email: String?) -> String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : domain
    }
}
