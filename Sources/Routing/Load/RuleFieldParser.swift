import ComplaintCore
import Foundation

/// Turns a condition or outcome field, as text values, into the rule's model; shared by the
/// YAML and CSV readers so both formats mean exactly the same.
///
/// Every problem goes to `report`, which the reader binds to the field's file, line and column.
struct RuleFieldParser {
    let departments: Set<String>

    /// Conditions that take one value; every other condition takes a list.
    static let singleValueConditions: Set<String> = ["regex", "time_of_day", "workday", "has_attachments"]

    /// Outcome keys (YAML `then:` keys and CSV column headers).
    static let outcomeKeys: [String] = ["department", "priority", "due", "due_in_hours", "tags"]

    /// The condition `key` with `values`; nil (after reporting) when invalid. `warn` gets what is
    /// valid but likely a mistake.
    func condition(
        _ key: String, _ values: [String], report: (String) -> Void, warn: (String) -> Void
    ) -> RuleCondition? {
        func nonEmpty() -> Bool {
            if values.isEmpty { report("list is empty") }
            return !values.isEmpty
        }
        func keywords() -> [MatchText]? {
            guard nonEmpty() else { return nil }
            let folded = values.map { MatchText(keyword: TextNormalizer.normalize($0)) }
            var valid = true
            if folded.contains(where: \.bytes.isEmpty) {
                report("a keyword is empty (it would match every complaint)")
                valid = false
            }
            // `[停水，没水]` or a cell `"违建,占道"` is one keyword holding a separator, which no
            // complaint contains: the rule would never match, and explain would show it like a list.
            for value in values {
                if let problem = Self.separatorProblem(value, noun: "keyword") {
                    report(problem)
                    valid = false
                }
            }
            return valid ? folded : nil
        }
        func flag() -> Bool? {
            guard values.count == 1 else {
                report("expected true or false")
                return nil
            }
            switch values[0].lowercased() {
            case "true", "yes", "1", "是": return true
            case "false", "no", "0", "否": return false
            default:
                report("expected true or false, found \"\(values[0])\"")
                return nil
            }
        }
        switch key {
        case "channel":
            guard nonEmpty() else { return nil }
            let channels = values.compactMap { value in
                let channel = Channel(rawValue: value.lowercased())
                if channel == nil { report("unknown channel \"\(value)\" (channels: email, sms, hotline, api)") }
                return channel
            }
            return channels.count == values.count ? .channel(Set(channels)) : nil
        case "adapter":
            return nonEmpty() ? .adapter(Set(values.map { $0.lowercased() })) : nil
        case "category":
            guard nonEmpty() else { return nil }
            let categories = values.map(TextNormalizer.normalize)
            // A warning, not an error: the API and a hotline profile without a `categories` map
            // pass other values through, and a rule may be meant for them. Mostly it is a typo.
            for category in categories where !ComplaintCategory.all.contains(category) {
                warn(
                    "category \"\(category)\" is none of the five (\(ComplaintCategory.listed)): "
                        + "the rule matches only complaints whose category is exactly \"\(category)\"")
            }
            return .category(Set(categories))
        case "keywords_any": return keywords().map(RuleCondition.keywordsAny)
        case "keywords_all": return keywords().map(RuleCondition.keywordsAll)
        case "keywords_none": return keywords().map(RuleCondition.keywordsNone)
        case "address_contains": return keywords().map(RuleCondition.addressContains)
        case "regex":
            guard values.count == 1, !values[0].isEmpty else {
                report("expected one regular expression")
                return nil
            }
            do {
                return .regex(try RulePattern(values[0]))
            } catch {
                report("bad regular expression /\(values[0])/: \(Self.regexProblem(values[0]))")
                return nil
            }
        case "district":
            guard nonEmpty() else { return nil }
            // Matched exactly: `西湖区,滨江区` is one district no complaint is in.
            let problems = values.compactMap { Self.separatorProblem($0, noun: "district") }
            problems.forEach(report)
            return problems.isEmpty ? .district(Set(values.map(TextNormalizer.normalize))) : nil
        case "phone_prefix":
            guard nonEmpty() else { return nil }
            let invalid = values.filter { !Self.isE164Prefix($0) }
            for value in invalid {
                report("phone prefix \"\(value)\" must be E.164: + and 1 to 15 digits, such as +86571")
            }
            return invalid.isEmpty ? .phonePrefix(values) : nil
        case "email_domain":
            guard nonEmpty() else { return nil }
            let domains = values.map { $0.lowercased().drop { $0 == "@" } }.map(String.init)
            let invalid = domains.filter { $0.isEmpty || $0.contains("@") || !$0.contains(".") }
            for domain in invalid { report("email domain \"\(domain)\" must be a domain such as example.com") }
            return invalid.isEmpty ? .emailDomain(domains) : nil
        case "time_of_day":
            guard values.count == 1, let range = TimeOfDayRange(parsing: values[0]) else {
                report(
                    "expected a time range HH:MM-HH:MM such as 22:00-06:00, found \"\(values.joined(separator: "|"))\"")
                return nil
            }
            return .timeOfDay(range)
        case "weekday":
            guard nonEmpty() else { return nil }
            let days = values.compactMap { value in
                let day = Weekday(parsing: value)
                if day == nil { report("unknown weekday \"\(value)\" (mon, tue, wed, thu, fri, sat, sun)") }
                return day
            }
            return days.count == values.count ? .weekday(Set(days)) : nil
        case "workday": return flag().map(RuleCondition.workday)
        case "has_attachments": return flag().map(RuleCondition.hasAttachments)
        default:
            report("unknown condition \"\(key)\" (conditions: \(RuleCondition.keys.joined(separator: ", ")))")
            return nil
        }
    }

    /// Applies the outcome field `key` with `values` to `outcome`.
    func outcome(_ key: String, _ values: [String], into outcome: inout RuleOutcome, report: (String) -> Void) {
        func single() -> String? {
            guard values.count == 1 else {
                report(values.isEmpty ? "must not be empty" : "expected one value, found \(values.count)")
                return nil
            }
            return values[0]
        }
        switch key {
        case "department":
            guard let department = single() else { return }
            if departments.contains(department) {
                outcome.department = department
            } else {
                report(RoutingLoader.unknownDepartment(department, departments))
            }
        case "priority":
            guard let text = single() else { return }
            if let priority = Priority(rawValue: text.lowercased()) {
                outcome.priority = priority
            } else {
                report("\"\(text)\" is not one of \(Priority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case "due":
            guard let text = single() else { return }
            if let due = Due(parsing: text) {
                outcome.due = due
            } else {
                report(Due.problem(parsing: text))
            }
        case "due_in_hours":
            guard let text = single() else { return }
            if let hours = Int(MatchText(text).text.trimmingWhitespace), Due.hourRange.contains(hours) {
                outcome.due = .hours(hours)
            } else {
                report("expected a number of hours from 1 to \(Due.hourRange.upperBound), found \"\(text)\"")
            }
        case "tags":
            // `tags: 夜间, 加急` in YAML, `夜间,加急` in a CSV cell: one tag no one meant.
            for tag in values { if let problem = Self.separatorProblem(tag, noun: "tag") { report(problem) } }
            outcome.tags = values
        default:
            report("unknown field \"\(key)\" (outcome: \(Self.outcomeKeys.joined(separator: ", ")))")
        }
    }

    /// Separators of a list typed into one value: full-width and ideographic (a comma, an
    /// enumeration comma, a bar, a semicolon), and the ASCII comma, semicolon and tab that a
    /// spreadsheet cell (`"违建,占道"`, quoted by Excel itself) or a YAML string gets.
    static let listSeparators: Set<Character> = ["，", "、", "｜", "；", ",", ";", "\t"]

    /// Why `value` looks like a list written as one value, nil when it does not.
    /// - Parameter noun: what the value is (`keyword`), as the message names it.
    static func separatorProblem(_ value: String, noun: String) -> String? {
        guard let separator = value.first(where: listSeparators.contains) else { return nil }
        let parts = value.split(whereSeparator: listSeparators.contains).map(\.trimmingWhitespace)
            .filter { !$0.isEmpty }
        let shown = separator == "\t" ? "a tab" : "\"\(separator)\""
        let escaped = value.replacingOccurrences(of: "\t", with: "\\t")
        let example =
            parts.count > 1
            ? "\(parts.joined(separator: "|")) in a CSV cell, [\(parts.joined(separator: ", "))] in YAML"
            : "a|b in a CSV cell, [a, b] in YAML"
        return "\(noun) \"\(escaped)\" contains \(shown), a separator of a list: write each \(noun) on its own "
            + "(\(example))"
    }

    static func isE164Prefix(_ value: String) -> Bool {
        let digits = value.utf8.dropFirst()
        return value.utf8.first == UInt8(ascii: "+") && (1...15).contains(digits.count)
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// What is wrong with a pattern ICU refused. Foundation only says "invalid", so ask Swift's
    /// own regex parser, which names the problem and its place, for the words.
    static func regexProblem(_ pattern: String) -> String {
        do {
            _ = try Regex(pattern)
        } catch {
            return "\(error)"
        }
        return "not a valid ICU regular expression"
    }
}
