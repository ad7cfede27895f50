import Foundation

/// A time-of-day window such as `22:00-06:00` (wrapping past midnight) in the calendar's time zone.
public struct TimeOfDayRange: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after midnight where the window starts (inclusive).
    public var start: Int
    /// Minutes after midnight where the window ends (exclusive).
    public var end: Int

    /// Parses `HH:MM-HH:MM`; nil when malformed or empty (start equal to end).
    public init?(parsing text: String) {
        let parts = text.replacingOccurrences(of: "–", with: "-").split(
            separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end
        else { return nil }
        self.start = start
        self.end = end
    }

    /// Whether `minute` (0…1439) is inside the window.
    public func contains(minute: Int) -> Bool {
        start < end ? (start..<end).contains(minute) : minute >= start || minute < end
    }

    /// Whether every minute of this window is in `other` (`22:00-06:00` is within `20:00-08:00`).
    /// Asked when tables load, of a day's 1,440 minutes.
    public func isWithin(_ other: TimeOfDayRange) -> Bool {
        (0..<1440).allSatisfy { !contains(minute: $0) || other.contains(minute: $0) }
    }

    public var description: String { "\(Self.format(start))-\(Self.format(end))" }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.trimmingWhitespace.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    private static func format(_ minutes: Int) -> String {
        let hour = minutes / 60
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
