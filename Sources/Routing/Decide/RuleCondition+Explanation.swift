import ComplaintCore

extension RuleCondition {
    /// Why the condition does not hold for `subject`, as explanations show it (`keywords_any: none of 停水|没水 in text`).
    func failure(on subject: inout RoutingSubject) -> String {
        let complaint = subject.complaint.pointee
        switch self {
        case .channel(let channels):
            return
                "channel: \(complaint.channel.rawValue) not in \(channels.map(\.rawValue).sorted().joined(separator: "|"))"
        case .adapter(let adapters):
            return "adapter: \(complaint.source.adapter) not in \(adapters.sorted().joined(separator: "|"))"
        case .category(let categories):
            guard let category = complaint.category else { return "category: complaint has no category" }
            return "category: \(category) not in \(categories.sorted().joined(separator: "|"))"
        case .keywordsAny(let keywords):
            return "keywords_any: none of \(Self.list(keywords)) in text"
        case .keywordsAll(let keywords):
            let text = MatchText(subject.searchText)
            let missing = keywords.filter { !text.contains($0) }
            return "keywords_all: \(Self.list(missing)) not in text"
        case .keywordsNone(let keywords):
            let text = MatchText(subject.searchText)
            let present = keywords.filter { text.contains($0) }
            return "keywords_none: \(Self.list(present)) in text"
        case .regex(let pattern):
            // A stopped match is no match, but a rule author needs to know it is the pattern to fix.
            if subject.timedOutPatterns.contains(pattern.source) {
                return
                    "regex: /\(pattern.source)/ timed out after \(RulePattern.timeBudgetDescription) (counted as no match)"
            }
            return "regex: /\(pattern.source)/ does not match subject or text"
        case .district(let districts):
            guard let district = complaint.location.district else { return "district: complaint has no district" }
            return "district: \(district) not in \(districts.sorted().joined(separator: "|"))"
        case .addressContains(let parts):
            guard complaint.location.address != nil else { return "address_contains: complaint has no address" }
            return "address_contains: none of \(Self.list(parts)) in address"
        case .phonePrefix(let prefixes):
            guard let phone = complaint.complainant.phone else { return "phone_prefix: complaint has no phone" }
            return "phone_prefix: \(PhoneMask.mask(phone)) starts with none of \(prefixes.joined(separator: "|"))"
        case .emailDomain(let domains):
            guard let domain = Self.domain(of: complaint.complainant.email) else {
                return "email_domain: complaint has no email"
            }
            return "email_domain: \(domain) not in \(domains.joined(separator: "|"))"
        case .timeOfDay(let range):
            let minute = subject.local().minute
            return "time_of_day: \(Self.clock(minute)) not in \(range)"
        case .weekday(let days):
            let day = Weekday(epochDay: subject.local().day)
            return "weekday: \(day.name) not in \(days.sorted().map(\.name).joined(separator: "|"))"
        case .workday(let wanted):
            return wanted ? "workday: received on a day off" : "workday: received on a working day"
        case .hasAttachments(let wanted):
            return wanted ? "has_attachments: complaint has none" : "has_attachments: complaint has attachments"
        }
    }

    /// For a condition that holds, what in the complaint it found, as explanations show it
    /// (`keywords_any: 停水`); nil for conditions whose reason is the rule itself (a channel, a time).
    func evidence(on subject: inout RoutingSubject) -> String? {
        switch self {
        case .keywordsAny(let keywords):
            let text = MatchText(subject.searchText)
            return "keywords_any: \(Self.list(keywords.filter { text.contains($0) })) in text"
        case .keywordsAll(let keywords):
            return "keywords_all: \(Self.list(keywords)) in text"
        case .addressContains(let parts):
            guard let address = subject.complaint.pointee.location.address else { return nil }
            let text = MatchText(address)
            return "address_contains: \(Self.list(parts.filter { text.contains($0) })) in address"
        case .district(let districts) where districts.count > 1:
            return subject.complaint.pointee.location.district.map { "district: \($0)" }
        case .category(let categories) where categories.count > 1:
            return subject.complaint.pointee.category.map { "category: \($0)" }
        default:
            return nil
        }
    }

    private static func list(_ texts: [MatchText]) -> String { texts.map(\.description).joined(separator: "|") }

    private static func clock(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}

/// Phone numbers in explanations keep only their prefix: enough to see why a prefix failed.
enum PhoneMask {
    static func mask(_ phone: String) -> String {
        guard phone.count > 7 else { return phone }
        return String(phone.prefix(6)) + String(repeating: "*", count: phone.count - 6)
    }
}
