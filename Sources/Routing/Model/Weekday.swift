/// A day of the week, as rule tables and the calendar spell it (`mon` … `sun`).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
    case mon = 1
    case tue, wed, thu, fri, sat, sun

    /// Parses `mon`, `monday`, `周一`, `星期一` (case-insensitive).
    public init?(parsing text: String) {
        let names: [String: Weekday] = [
            "mon": .mon, "monday": .mon, "周一": .mon, "星期一": .mon,
            "tue": .tue, "tuesday": .tue, "周二": .tue, "星期二": .tue,
            "wed": .wed, "wednesday": .wed, "周三": .wed, "星期三": .wed,
            "thu": .thu, "thursday": .thu, "周四": .thu, "星期四": .thu,
            "fri": .fri, "friday": .fri, "周五": .fri, "星期五": .fri,
            "sat": .sat, "saturday": .sat, "周六": .sat, "星期六": .sat,
            "sun": .sun, "sunday": .sun, "周日": .sun, "星期日": .sun, "周天": .sun, "星期天": .sun,
        ]
        guard let day = names[text.trimmingWhitespace.lowercased()] else { return nil }
        self = day
    }

    /// The weekday of a day counted from 1970-01-01 (a Thursday).
    public init(epochDay: Int) {
        let index = ((epochDay + 3) % 7 + 7) % 7  // 0 = Monday
        self = Weekday(rawValue: index + 1)!
    }

    public var name: String {
        switch self {
        case .mon: "mon"
        case .tue: "tue"
        case .wed: "wed"
        case .thu: "thu"
        case .fri: "fri"
        case .sat: "sat"
        case .sun: "sun"
        }
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
