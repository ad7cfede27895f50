/// A deadline rule: calendar hours, or working days on the hotline's ``WorkCalendar``.
public enum Due: Sendable, Hashable, CustomStringConvertible {
    /// `72h`: `received_at` plus so many hours.
    case hours(Int)
    /// `5 workdays`: the end (23:59:59 local) of the n-th working day after the day of receipt.
    case workdays(Int)

    /// Hours a `due` may be: up to ten years.
    public static let hourRange = 1...87_600
    /// Working days a `due` may be: about ten years of them.
    public static let workdayRange = 1...3650

    /// Parses `72h`, `72 hours`, `5 workdays`, `5 workday`, `5工作日`, `5个工作日`.
    /// - Returns: nil when the text is none of these or the count is outside ``hourRange`` / ``workdayRange``.
    public init?(parsing text: String) {
        guard let (digits, isHours) = Self.split(text), let count = Int(digits) else { return nil }
        if isHours {
            guard Self.hourRange.contains(count) else { return nil }
            self = .hours(count)
        } else {
            guard Self.workdayRange.contains(count) else { return nil }
            self = .workdays(count)
        }
    }

    /// Why `init(parsing:)` refused `text`, as a validation message: out of range (with the
    /// limits) when it has the form, otherwise the forms expected.
    public static func problem(parsing text: String) -> String {
        guard let (digits, isHours) = split(text), !digits.isEmpty else {
            return "expected hours (72h) or working days (5 workdays), found \"\(text)\""
        }
        let range = isHours ? hourRange : workdayRange
        let unit = isHours ? "hours" : "working days"
        return
            "\"\(text)\" is out of range: \(unit) run from \(range.lowerBound) to \(range.upperBound) (about ten years)"
    }

    /// The leading digits and whether the unit after them is hours (false: working days); nil
    /// when the unit is neither.
    private static func split(_ text: String) -> (digits: Substring, isHours: Bool)? {
        // Folded as keywords are: full-width digits and letters typed with a Chinese input
        // method (`７２小时`) and the ideographic space read as their ASCII forms, in lower case.
        let trimmed = MatchText(text).text.trimmingWhitespace
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        switch trimmed.dropFirst(digits.count).trimmingWhitespace {
        case "h", "hour", "hours", "小时", "个小时": return (digits, true)
        case "workday", "workdays", "working days", "工作日", "个工作日": return (digits, false)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .hours(let hours): "\(hours)h"
        case .workdays(let days): "\(days) workday\(days == 1 ? "" : "s")"
        }
    }
}

extension StringProtocol {
    /// The text without spaces and tabs at either end.
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
