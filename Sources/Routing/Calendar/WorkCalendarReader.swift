import ComplaintCore
import Foundation

/// Reads `calendar.yaml`: time zone, weekend, holidays and make-up working days, with located errors.
///
/// ```yaml
/// time_zone: Asia/Shanghai
/// holidays: [2026-01-01, 2026-10-01..2026-10-07]
/// workdays: [2026-10-10]          # 调休: a Saturday that is worked
/// ```
enum WorkCalendarReader {
    static func read(_ root: ConfigNode) -> WorkCalendar {
        var calendar = WorkCalendar()
        root.expectMapping(allowedKeys: ["time_zone", "weekend", "holidays", "workdays", "description"])
        if let name = root["time_zone"].string() {
            if let zone = TimeZone(identifier: name) {
                calendar.timeZone = zone
            } else {
                root["time_zone"].error("unknown time zone \"\(name)\" (an IANA name such as Asia/Shanghai)")
            }
        }
        if root["weekend"].isPresent {
            calendar.weekend = []
            for item in root["weekend"].items() {
                guard let text = item.string() else { continue }
                if let day = Weekday(parsing: text) {
                    calendar.weekend.insert(day)
                } else {
                    item.error("unknown weekday \"\(text)\" (mon, tue, wed, thu, fri, sat, sun)")
                }
            }
        }
        calendar.holidays = days(root["holidays"])
        calendar.makeUpWorkdays = days(root["workdays"])
        for item in root["workdays"].items() {
            if let text = item.string(), let day = WorkCalendar.epochDay(parsing: text),
                calendar.holidays.contains(day)
            {
                item.error("\(text) is listed both as a holiday and as a working day")
            }
        }
        return calendar
    }

    /// Dates and inclusive ranges (`2026-10-01..2026-10-07`) as days from 1970-01-01.
    private static func days(_ node: ConfigNode) -> Set<Int> {
        var days: Set<Int> = []
        for item in node.items() {
            guard let text = item.string() else { continue }
            let bounds = text.components(separatedBy: "..")
            let parsed = bounds.compactMap(WorkCalendar.epochDay(parsing:))
            guard parsed.count == bounds.count, (1...2).contains(parsed.count), parsed.first! <= parsed.last! else {
                item.error("expected a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD, found \"\(text)\"")
                continue
            }
            days.formUnion(parsed.first!...parsed.last!)
        }
        return days
    }
}
