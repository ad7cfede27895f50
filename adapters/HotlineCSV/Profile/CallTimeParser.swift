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

    /// The instant `text` names, or nil when no format reads it.
    public mutating func parse(_ text: String) -> Date? {
        var text = text
        guard
            let local = text.withUTF8({ bytes -> CallTimeFormat.LocalTime? in
                var start = 0
                var end = bytes.count
                while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
                while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
                let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
                for format in formats {
                    if let time = format.match(trimmed) { return time }
                }
                return nil
            })
        else { return nil }
        let days = CivilCalendar.days(year: local.year, month: local.month, day: local.day)
        let localSeconds = days * 86_400 + local.hour * 3600 + local.minute * 60 + local.second
        return Date(timeIntervalSince1970: TimeInterval(localSeconds - offset(forLocalSeconds: localSeconds)))
    }

    /// The zone's offset at a local time, cached per local hour.
    private mutating func offset(forLocalSeconds local: Int) -> Int {
        let hour = local / 3600
        if hour == cachedHour { return cachedOffset }
        // Guess with the offset at the local time read as UTC, then settle on the offset at that instant.
        let guess = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - guess)))
        cachedHour = hour
        cachedOffset = offset
        return offset
    }
}
