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
    /// A time that ends with its UTC offset (`+08:00`, `+0800`, `+08`, `Z`, `UTC+8`: database
    /// and pandas exports of a zone-aware column) is read at that offset, not the profile's zone.
    public mutating func parse(_ text: String) -> Date? {
        var text = text
        guard
            let (localSeconds, explicitOffset) = text.withUTF8({ bytes -> (Int, Int?)? in
                let trimmed = Self.trimmed(bytes)
                if let local = localSeconds(trimmed) { return (local, nil) }
                if let serial = Self.excelSerial(trimmed) { return (serial, nil) }
                guard let (body, offset) = Self.splitOffset(trimmed), let local = localSeconds(body) else { return nil }
                return (local, offset)
            })
        else { return nil }
        let offset = explicitOffset ?? offset(forLocalSeconds: localSeconds)
        return Date(timeIntervalSince1970: TimeInterval(localSeconds - offset))
    }

    /// Local seconds since 1970 by the first format that reads `bytes`.
    private func localSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for format in formats {
            guard let local = format.match(bytes) else { continue }
            let days = CivilCalendar.days(year: local.year, month: local.month, day: local.day)
            return days * 86_400 + local.hour * 3600 + local.minute * 60 + local.second
        }
        return nil
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// A trailing UTC offset split off: the time before it (trimmed) and the offset in seconds
    /// east of UTC. `Z`, `UTC`, `GMT`; `+08`, `+0800`, `+08:00`, `-05:00`, optionally after `UTC`
    /// or `GMT` (`UTC+8`); at most 14 hours. Nil when the text does not end so.
    static func splitOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> (UnsafeBufferPointer<UInt8>, Int)? {
        var end = bytes.count
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func endsWithZoneName(_ end: Int) -> Bool {
            guard end >= 3 else { return false }
            let name = [bytes[end - 3], bytes[end - 2], bytes[end - 1]].map { $0 & 0xDF }  // upper case
            return name == Array("UTC".utf8) || name == Array("GMT".utf8)
        }
        var seconds = 0
        if end > 0, bytes[end - 1] == UInt8(ascii: "Z") || bytes[end - 1] == UInt8(ascii: "z") {
            end -= 1
        } else if endsWithZoneName(end) {
            end -= 3
        } else {
            // Digits (and one colon) back to the sign.
            var digits: [Int] = []
            var colonAt: Int?
            while end > 0, isDigit(bytes[end - 1]) || (bytes[end - 1] == UInt8(ascii: ":") && colonAt == nil) {
                if bytes[end - 1] == UInt8(ascii: ":") {
                    colonAt = digits.count
                } else {
                    digits.insert(Int(bytes[end - 1] - 0x30), at: 0)
                }
                end -= 1
            }
            guard end > 0, bytes[end - 1] == UInt8(ascii: "+") || bytes[end - 1] == UInt8(ascii: "-") else {
                return nil
            }
            let sign = bytes[end - 1] == UInt8(ascii: "+") ? 1 : -1
            end -= 1
            let (hours, minutes): (Int, Int)
            switch (digits.count, colonAt) {
            case (1, nil), (2, nil): (hours, minutes) = (digits.reduce(0) { $0 * 10 + $1 }, 0)
            case (4, nil), (4, 2): (hours, minutes) = (digits[0] * 10 + digits[1], digits[2] * 10 + digits[3])
            default: return nil
            }
            guard hours <= 14, minutes < 60 else { return nil }
            seconds = sign * (hours * 3600 + minutes * 60)
            if endsWithZoneName(end) { end -= 3 }
        }
        // The time itself must end in a digit (or AM/PM): `2026-11-03` alone is no time with an offset.
        let body = trimmed(UnsafeBufferPointer(rebasing: bytes[0..<end]))
        guard let last = body.last, isDigit(last) || (last & 0xDF) == UInt8(ascii: "M") else { return nil }
        return (body, seconds)
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
        guard serialDays.contains(day) else { return nil }
        return (day - unixEpochSerial) * 86_400 + secondsOfDay(fractionDigits: fraction)
    }

    /// Excel's day number of 1970-01-01 (its day 0 is 1899-12-30).
    static let unixEpochSerial = 25_569
    /// The serial days a call can fall on: 2000-01-01 ..< 2100-01-01.
    static let serialDays = 36_526..<73_051

    /// The seconds into the day that a serial's fraction names (the ASCII digits after its
    /// point: `34375` is 08:15), to the nearest second.
    static func secondsOfDay<Digits: Sequence<UInt8>>(fractionDigits: Digits) -> Int {
        var dayFraction = 0.0
        var scale = 0.1
        for byte in fractionDigits.prefix(15) {
            dayFraction += Double(byte - 0x30) * scale
            scale /= 10
        }
        return Int((dayFraction * 86_400).rounded())
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
