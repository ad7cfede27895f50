import ComplaintCore
import Foundation

/// Turns a call-time field into an instant: the profile's formats in order, read in its time zone.
///
/// Not Sendable: it caches the zone's UTC offset for the last local hour seen (call logs are
/// in time order, so nearly every row hits the cache and no calendar is consulted).
public struct CallTimeParser {
    public let formats: [CallTimeFormat]
    public let timeZone: TimeZone
    private var cachedHour = Int.min
    private var cachedOffset = 0

    public init(formats: [CallTimeFormat], timeZone: TimeZone) {
        self.formats = formats
        self.timeZone = timeZone
    }

    /// The instant `text` names, or nil when no format reads it. A cell Excel shows as a date
    /// but exports as its serial number (`46356.34375`: days since 1899-12-30, the fraction the
    /// time of day, as when a column formatted "General" was copied) is read as that local time.
    public mutating func parse(_ text: String) -> Date? {
        var text = text
        guard
            let localSeconds = text.withUTF8({ bytes -> Int? in
                var start = 0
                var end = bytes.count
                while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
                while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
                let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
                for format in formats {
                    guard let local = format.match(trimmed) else { continue }
                    let days = CivilCalendar.days(year: local.year, month: local.month, day: local.day)
                    return days * 86_400 + local.hour * 3600 + local.minute * 60 + local.second
                }
                return Self.excelSerial(trimmed)
            })
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(localSeconds - offset(forLocalSeconds: localSeconds)))
    }

    /// Local seconds since 1970 for an Excel date serial from 2000 to 2099 (five digits, an
    /// optional fraction), to the nearest second; nil for anything else.
    static func excelSerial(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let digits = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard digits.count == 5 else { return nil }
        var fraction = bytes.dropFirst(5)
        if let dot = fraction.first {
            guard dot == UInt8(ascii: "."), fraction.count > 1,
                fraction.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return nil }
            fraction = fraction.dropFirst()
        }
        let day = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard (36_526..<73_051).contains(day) else { return nil }  // 2000-01-01 ..< 2100-01-01
        var dayFraction = 0.0
        var scale = 0.1
        for byte in fraction.prefix(15) {
            dayFraction += Double(byte - 0x30) * scale
            scale /= 10
        }
        // 25,569 days from Excel's day 0 (1899-12-30) to 1970-01-01.
        return (day - 25_569) * 86_400 + Int((dayFraction * 86_400).rounded())
    }

    /// The zone's offset at a local time, cached per local hour.
    private mutating func offset(forLocalSeconds local: Int) -> Int {
        let hour = local / 3600
        if hour == cachedHour { return cachedOffset }
        // Guess with the offset at the local time read as UTC, then settle on the offset at that instant.
        let guess = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        var offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - guess)))
        if timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset))) != offset {
            // A local time the clocks skipped (02:30 when they spring from 02:00 to 03:00): read
            // with the offset in force before the jump, the smaller one, so it lands at 03:30
            // after it, as Java and Python read it, not an hour early.
            offset = min(guess, offset)
        }
        cachedHour = hour
        cachedOffset = offset
        return offset
    }
}
