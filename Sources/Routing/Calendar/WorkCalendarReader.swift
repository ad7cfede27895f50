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
    /// How far ahead the holidays must reach: a deadline of a few weeks' working days.
    static let horizonDays = 45

    /// - Parameter now: when the calendar is read; holidays that stop short of the year
    ///   `horizonDays` from now are warned about.
    static func read(_ root: ConfigNode, now: Date = Date()) -> WorkCalendar {
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
        warnIfOutdated(root["holidays"], holidays: calendar.holidays, now: now)
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

    /// Holidays are published a year at a time (by the State Council in November or December);
    /// past the last listed year only weekends are days off, so deadlines would silently come
    /// early over the New Year and Spring Festival. A warning at load, reload and `rules check`.
    private static func warnIfOutdated(_ node: ConfigNode, holidays: Set<Int>, now: Date) {
        guard let last = holidays.max() else { return }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let lastYear = utc.component(.year, from: Date(timeIntervalSince1970: Double(last) * 86_400))
        let horizonYear = utc.component(.year, from: now.addingTimeInterval(Double(horizonDays) * 86_400))
        guard horizonYear > lastYear else { return }
        node.warning(
            "holidays are listed up to \(lastYear) only: working-day deadlines in \(lastYear + 1) count weekends "
                + "alone; add the \(lastYear + 1) holidays and make-up working days, then reload")
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
