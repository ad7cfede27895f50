import ComplaintCore

/// A call time an export writes in two cells, the date and the time of day (a profile's
/// `call_time: {time_header: …}`), made into the text the profile's `date_formats` read.
///
/// Spreadsheets write either cell in more than one way: a date cell formatted as a date and time
/// carries a midnight (`2026/11/3 0:00:00`, `2026/11/3 12:00:00 AM`), and a cell formatted
/// "General" exports the serial number behind the date (`46329`) or the time (`0.34375`).
enum SplitCallTime {
    /// The two cells joined with a space, without the midnight the date cell may carry.
    static func joined(date: String, time: String) -> String {
        droppingMidnight(trimmed(date)) + " " + trimmed(time)
    }

    /// Other texts for the two cells, tried in order when ``joined(date:time:)`` matches no
    /// pattern: a serial date and a serial time as one serial (`46329.34375`), which the parser
    /// reads in any profile; a serial date written out in the usual date forms before the time
    /// cell; the date cell before a serial time written out in the usual time forms.
    static func alternatives(date: String, time: String) -> [String] {
        let dateText = droppingMidnight(trimmed(date))
        let timeText = trimmed(time)
        let day = serialDay(dateText)
        let fraction = serialFraction(timeText)
        switch (day, fraction) {
        case (let day?, let fraction?):
            return [fraction.isEmpty ? "\(day)" : "\(day).\(fraction)"]
        case (let day?, nil):
            return dateForms(serialDay: day).map { $0 + " " + timeText }
        case (nil, let fraction?):
            return timeForms(fraction: fraction).map { dateText + " " + $0 }
        case (nil, nil):
            return []
        }
    }

    /// `date` without a time of day that reads as midnight after its date (`2026/11/3 0:00`,
    /// `2026-11-03 00:00:00.000`, `2026-11-03T00:00:00`, `2026/11/3 12:00:00 AM`,
    /// `2026/11/3 上午12:00:00`, `2026年11月3日 0时00分`); unchanged otherwise.
    static func droppingMidnight(_ date: Substring) -> Substring {
        var index = date.startIndex
        while let separator = date[index...].firstIndex(where: { $0 == " " || $0 == "T" }) {
            let isBoundary =
                separator != date.startIndex
                && (date[separator] == " "
                    || date[date.index(before: separator)].isASCII
                        && date[date.index(before: separator)].isNumber)
            if isBoundary, isMidnight(date[date.index(after: separator)...]) {
                return trimmed(date[..<separator])
            }
            index = date.index(after: separator)
        }
        return date
    }

    /// Whether `text` is a time of day at midnight: hours 0 (or 12 with a morning marker), every
    /// other part 0.
    static func isMidnight(_ text: Substring) -> Bool {
        var text = trimmed(text)
        var morning = false
        for marker in ["上午", "am", "a.m."] {
            if text.lowercased().hasPrefix(marker) {
                text = trimmed(text.dropFirst(marker.count))
                morning = true
            } else if text.lowercased().hasSuffix(marker) {
                text = trimmed(text.dropLast(marker.count))
                morning = true
            }
        }
        let parts = text.split(omittingEmptySubsequences: false) { ":时分秒.".contains($0) }
        let numbers = parts.enumerated().filter { !($0.offset == parts.count - 1 && $0.element.isEmpty) }.map(\.element)
        guard numbers.count >= 2,
            numbers.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return false }
        let hour = Int(numbers[0])!
        return (hour == 0 || (morning && hour == 12)) && numbers.dropFirst().allSatisfy { Int($0)! == 0 }
    }

    /// The day of an Excel serial date (`46329`, or `46329.0` and `46329.5` from a date-and-time
    /// cell, whose time the time cell gives), from 2000 to 2099; nil for anything else.
    static func serialDay(_ text: Substring) -> Int? {
        let whole = text.prefix { $0 != "." }
        let rest = text.dropFirst(whole.count)
        guard whole.count == 5, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            rest.isEmpty || (rest.count > 1 && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }),
            let day = Int(whole), CallTimeParser.serialDays.contains(day)
        else { return nil }
        return day
    }

    /// The fraction digits of an Excel serial time (`0.34375`, `.34375`, `0`; or a whole serial
    /// date and time, `46329.34375`, whose date the date cell gives); nil for anything else.
    static func serialFraction(_ text: Substring) -> Substring? {
        let whole = text.prefix { $0 != "." }
        guard whole.isEmpty || whole == "0" || (whole.count == 5 && serialDay(whole) != nil) else { return nil }
        let rest = text.dropFirst(whole.count)
        if rest.isEmpty { return whole == "0" ? "" : nil }
        let digits = rest.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }

    /// A serial day written in the date forms call-centre profiles read.
    private static func dateForms(serialDay: Int) -> [String] {
        let (year, month, day) = CivilCalendar.date(days: serialDay - CallTimeParser.unixEpochSerial)
        let (mm, dd) = (twoDigits(month), twoDigits(day))
        return [
            "\(year)/\(month)/\(day)", "\(year)-\(mm)-\(dd)", "\(year)-\(month)-\(day)", "\(year)/\(mm)/\(dd)",
            "\(year)年\(month)月\(day)日", "\(year).\(month).\(day)", "\(month)/\(day)/\(year)", "\(mm)/\(dd)/\(year)",
        ]
    }

    /// A serial time (the digits after its point) written in the time-of-day forms profiles read.
    private static func timeForms(fraction: Substring) -> [String] {
        let seconds = min(CallTimeParser.secondsOfDay(fractionDigits: fraction.utf8), 86_399)
        let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        let (mm, ss) = (twoDigits(minute), twoDigits(second))
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        let marker = hour < 12 ? ("AM", "上午") : ("PM", "下午")
        return [
            "\(hour):\(mm):\(ss)", "\(twoDigits(hour)):\(mm):\(ss)", "\(hour):\(mm)", "\(twoDigits(hour)):\(mm)",
            "\(hour)时\(mm)分\(ss)秒", "\(hour)时\(mm)分", "\(hour12):\(mm):\(ss) \(marker.0)",
            "\(hour12):\(mm) \(marker.0)",
            "\(marker.1)\(hour12):\(mm):\(ss)", "\(marker.1)\(hour12)时\(mm)分",
        ]
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func trimmed<S: StringProtocol>(_ text: S) -> Substring {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, [" ", "\t"].contains(trimmed[trimmed.index(before: end)]) {
            end = trimmed.index(before: end)
        }
        return Substring(trimmed[..<end])
    }
}
