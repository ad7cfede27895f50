import ComplaintCore

/// One condition of a rule; a rule matches when all of its conditions hold.
///
/// Text conditions compare folded text (``MatchText``): case- and width-insensitive substrings,
/// since Chinese has no spaces to split words on.
public enum RuleCondition: Sendable, Hashable {
    /// The complaint arrived through one of these channels.
    case channel(Set<Channel>)
    /// `source.adapter` is one of these (provider, hotline profile, mailbox; case-insensitive).
    case adapter(Set<String>)
    /// The complaint's category is one of these (exact, after text normalization).
    case category(Set<String>)
    /// Subject or text contains at least one of these keywords.
    case keywordsAny([MatchText])
    /// Subject or text contains every one of these keywords.
    case keywordsAll([MatchText])
    /// Subject or text contains none of these keywords.
    case keywordsNone([MatchText])
    /// The regular expression finds a match in subject + "\n" + text.
    case regex(RulePattern)
    /// `location.district` is one of these (exact, after text normalization).
    case district(Set<String>)
    /// `location.address` contains one of these (folded substrings).
    case addressContains([MatchText])
    /// The complainant's E.164 phone starts with one of these (`+86571`).
    case phonePrefix([String])
    /// The complainant's email is at one of these domains or their subdomains (lowercase).
    case emailDomain([String])
    /// `received_at`, in the calendar's time zone, falls in this time of day.
    case timeOfDay(TimeOfDayRange)
    /// `received_at`, in the calendar's time zone, falls on one of these weekdays.
    case weekday(Set<Weekday>)
    /// `received_at` falls on a working day (true) or a weekend/holiday (false) of the calendar.
    case workday(Bool)
    /// The complaint has attachments (true) or none (false).
    case hasAttachments(Bool)

    /// Condition keys as tables spell them (YAML `when:` keys and CSV column headers).
    public static let keys: [String] = [
        "channel", "adapter", "category", "keywords_any", "keywords_all", "keywords_none", "regex", "district",
        "address_contains", "phone_prefix", "email_domain", "time_of_day", "weekday", "workday", "has_attachments",
    ]

    /// The key of the condition, as shown in explanations.
    public var key: String {
        switch self {
        case .channel: "channel"
        case .adapter: "adapter"
        case .category: "category"
        case .keywordsAny: "keywords_any"
        case .keywordsAll: "keywords_all"
        case .keywordsNone: "keywords_none"
        case .regex: "regex"
        case .district: "district"
        case .addressContains: "address_contains"
        case .phonePrefix: "phone_prefix"
        case .emailDomain: "email_domain"
        case .timeOfDay: "time_of_day"
        case .weekday: "weekday"
        case .workday: "workday"
        case .hasAttachments: "has_attachments"
        }
    }
}
