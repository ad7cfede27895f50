/// A deadline rule: calendar hours, or working days on the hotline's ``WorkCalendar``.
public enum Due: Sendable, Hashable, CustomStringConvertible {
    /// `72h`: `received_at` plus so many hours.
    case hours(Int)
    /// `5 workdays`: the end (23:59:59 local) of the n-th working day after the day of receipt.
    case workdays(Int)

    /// Parses `72h`, `72 hours`, `5 workdays`, `5 workday`, `5工作日`, `5个工作日`.
    /// - Returns: nil when the text is none of these or the count is not 1…87,600 (hours) / 1…3,650 (days).
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace.lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let count = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingWhitespace
        switch unit {
        case "h", "hour", "hours", "小时", "个小时":
            guard (1...87_600).contains(count) else { return nil }
            self = .hours(count)
        case "workday", "workdays", "working days", "工作日", "个工作日":
            guard (1...3650).contains(count) else { return nil }
            self = .workdays(count)
        default:
            return nil
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
