import Foundation

/// RFC 3339 timestamps, the gateway's one text form for dates in JSON, storage and logs.
///
/// Written with integer calendar arithmetic (``CivilCalendar``) rather than `DateFormatter`
/// or `ISO8601DateFormatter`: those are slow, carry locale and calendar settings that can
/// change the output, and accept more than RFC 3339 allows.
public enum RFC3339 {
    /// The earliest formattable instant, 0000-01-01T00:00:00Z.
    private static let earliestSeconds = -62_167_219_200
    /// The latest formattable instant, 9999-12-31T23:59:59Z.
    private static let latestSeconds = 253_402_300_799

    /// Formats `date` in UTC with whole seconds, like `2026-11-29T09:12:03Z`.
    ///
    /// Fractional seconds are truncated toward the past, so a formatted time never lies
    /// after the instant it describes. Dates outside years 0000–9999, which RFC 3339 cannot
    /// write, are clamped to the nearest end of that range.
    /// - Parameter date: The instant to format.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Comparisons written so NaN falls to the first branch.
        let total: Int
        if !(seconds > Double(earliestSeconds)) {
            total = earliestSeconds
        } else if seconds > Double(latestSeconds) {
            total = latestSeconds
        } else {
            total = Int(seconds)
        }
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (year, month, day) = CivilCalendar.date(days: days)
        return String(unsafeUninitializedCapacity: 20) { out in
            write(year, width: 4, into: out, at: 0)
            out[4] = UInt8(ascii: "-")
            write(month, width: 2, into: out, at: 5)
            out[7] = UInt8(ascii: "-")
            write(day, width: 2, into: out, at: 8)
            out[10] = UInt8(ascii: "T")
            write(secondOfDay / 3600, width: 2, into: out, at: 11)
            out[13] = UInt8(ascii: ":")
            write(secondOfDay / 60 % 60, width: 2, into: out, at: 14)
            out[16] = UInt8(ascii: ":")
            write(secondOfDay % 60, width: 2, into: out, at: 17)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    ///
    /// Also accepts a lowercase `t` or a space between date and time and a lowercase `z`, as
    /// RFC 3339 allows. Rejects anything else, including surrounding whitespace, days that do
    /// not exist (`02-30`), hour 24, and second 60: `Date` cannot hold a leap second, and
    /// rejecting one is more honest than silently moving it. Fractions keep microseconds;
    /// a `Double` cannot hold finer for present-day instants anyway.
    /// - Parameter s: The text to parse.
    /// - Returns: The instant, or nil if `s` is not a valid RFC 3339 timestamp.
    public static func parse(_ s: String) -> Date? {
        var text = s
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count >= 20,
            let year = number(bytes, at: 0, width: 4), bytes[4] == UInt8(ascii: "-"),
            let month = number(bytes, at: 5, width: 2), bytes[7] == UInt8(ascii: "-"),
            let day = number(bytes, at: 8, width: 2),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            let hour = number(bytes, at: 11, width: 2), bytes[13] == UInt8(ascii: ":"),
            let minute = number(bytes, at: 14, width: 2), bytes[16] == UInt8(ascii: ":"),
            let second = number(bytes, at: 17, width: 2),
            (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }

        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var micros = 0
            var digits = 0
            while index < bytes.count, let digit = digit(bytes[index]) {
                if digits < 6 { micros = micros * 10 + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
            fraction = Double(micros) / 1_000_000
        }

        guard index < bytes.count else { return nil }
        let offsetSeconds: Int
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offsetSeconds = 0
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 <= bytes.count,
                let offsetHour = number(bytes, at: index + 1, width: 2), bytes[index + 3] == UInt8(ascii: ":"),
                let offsetMinute = number(bytes, at: index + 4, width: 2),
                offsetHour < 24, offsetMinute < 60
            else { return nil }
            let magnitude = offsetHour * 3600 + offsetMinute * 60
            offsetSeconds = bytes[index] == UInt8(ascii: "-") ? -magnitude : magnitude
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = CivilCalendar.days(year: year, month: month, day: day)
        // Local time minus its offset is UTC: 01:00-08:00 is 09:00Z.
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// A fixed-width run of ASCII digits, or nil if any byte is not one.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, width: Int) -> Int? {
        var value = 0
        for index in start..<(start + width) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    @inline(__always)
    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte &- UInt8(ascii: "0")) : nil
    }

    /// Writes `value` as exactly `width` zero-padded decimal digits.
    private static func write(_ value: Int, width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var remaining = value
        for index in stride(from: start + width - 1, through: start, by: -1) {
            out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
        }
    }
}
