import ComplaintCore
import Foundation

/// The hotline's working calendar: its time zone, weekend, public holidays and make-up working days (调休).
///
/// Days are civil dates in the calendar's time zone, counted from 1970-01-01, so that "is this a
/// working day" is set arithmetic rather than a calendar object per call.
public struct WorkCalendar: Sendable, Hashable {
    /// The hotline's time zone (default Asia/Shanghai); time-of-day, weekday and deadlines use it.
    public var timeZone: TimeZone
    /// Days off every week unless listed in ``makeUpWorkdays`` (default Saturday and Sunday).
    public var weekend: Set<Weekday>
    /// Public holidays, as days from 1970-01-01.
    public var holidays: Set<Int>
    /// Weekend days that are working days (调休), as days from 1970-01-01.
    public var makeUpWorkdays: Set<Int>

    public init(
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, weekend: Set<Weekday> = [.sat, .sun],
        holidays: Set<Int> = [], makeUpWorkdays: Set<Int> = []
    ) {
        self.timeZone = timeZone
        self.weekend = weekend
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Whether the civil day `day` (from 1970-01-01) is a working day.
    public func isWorkday(_ day: Int) -> Bool {
        if makeUpWorkdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return !weekend.contains(Weekday(epochDay: day))
    }

    /// The local civil day and minute of the day of `date`.
    public func local(_ date: Date) -> (day: Int, minute: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        return (day, (seconds - day * 86_400) / 60)
    }

    /// The deadline for `due` counted from `received`.
    ///
    /// Hours are elapsed time. Working days follow the usual rule for administrative time limits:
    /// the day of receipt does not count, and the deadline is the end (23:59:59 local) of the
    /// n-th working day after it; weekends and holidays are skipped, make-up working days count.
    public func deadline(_ due: Due, from received: Date) -> Date {
        switch due {
        case .hours(let hours):
            return received.addingTimeInterval(TimeInterval(hours) * 3600)
        case .workdays(let count):
            var day = local(received).day
            var counted = 0
            while counted < count {
                day += 1
                if isWorkday(day) { counted += 1 }
            }
            let endOfDay = Date(timeIntervalSince1970: TimeInterval(day * 86_400 + 86_399))
            return endOfDay.addingTimeInterval(-TimeInterval(timeZone.secondsFromGMT(for: endOfDay)))
        }
    }
}

extension WorkCalendar {
    /// `2026-10-01` as days from 1970-01-01; nil when it is not a valid date.
    public static func epochDay(parsing text: String) -> Int? {
        let parts = text.trimmingWhitespace.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        return CivilCalendar.days(year: year, month: month, day: day)
    }
}
