import Foundation

/// A call's length as call-centre systems export it, in whole seconds.
///
/// Exports write the same 65 seconds as `65`, `65.0`, `65s`, `65秒`, `1:05`, `00:01:05`,
/// `1分05秒`, `1分钟5秒`, `1m5s` or, from pandas, `0 days 00:01:05`: a `type: duration` column reads all of these, so a row is
/// not rejected for how its system formats a length. Fractions round to the nearest second.
public enum CallDuration {
    /// The length in seconds, or nil when `text` is not a length.
    public static func seconds(_ text: String) -> Int? {
        // The common case, a plain number of seconds, without taking the text apart.
        if let whole = Int(text) { return whole >= 0 ? whole : nil }
        let scalars = Array(text.unicodeScalars.filter { $0 != " " })
        guard !scalars.isEmpty else { return nil }
        if scalars.contains(":") { return days(scalars) ?? clock(scalars) }
        return units(scalars)
    }

    /// pandas' timedelta, `0 days 00:01:05` (spaces gone: `0days00:01:05`), `1 day 02:00:00`.
    private static func days(_ scalars: [Unicode.Scalar]) -> Int? {
        let text = String(String.UnicodeScalarView(scalars)).lowercased()
        guard let unit = text.range(of: "days") ?? text.range(of: "day"),
            let days = Int(text[..<unit.lowerBound]), days >= 0,
            let rest = clock(Array(text[unit.upperBound...].unicodeScalars))
        else { return nil }
        return days * 86_400 + rest
    }

    /// `M:SS` or `H:MM:SS` (the hours may exceed 24, minutes and seconds are below 60).
    private static func clock(_ scalars: [Unicode.Scalar]) -> Int? {
        let parts = scalars.split(separator: ":", omittingEmptySubsequences: false).map { number(Array($0)) }
        guard (2...3).contains(parts.count), let first = parts.first ?? nil else { return nil }
        var total = first
        for part in parts.dropFirst() {
            guard let part, part < 60 else { return nil }
            total = total * 60 + part
        }
        return Int(total.rounded())
    }

    /// Numbers each followed by a unit (`1分05秒`, `1h2m3s`), or one bare number of seconds.
    private static func units(_ scalars: [Unicode.Scalar]) -> Int? {
        var total = 0.0
        var index = 0
        var lastScale = Double.infinity
        while index < scalars.count {
            let start = index
            while index < scalars.count, isNumeric(scalars[index]) { index += 1 }
            guard let value = number(Array(scalars[start..<index])) else { return nil }
            let unitStart = index
            while index < scalars.count, !isNumeric(scalars[index]) { index += 1 }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<index])).lowercased()
            guard let scale = scale(of: unit, bare: start == 0 && index == scalars.count), scale < lastScale
            else { return nil }
            lastScale = scale
            total += value * scale
        }
        return Int(total.rounded())
    }

    /// Seconds per unit; a bare number (no unit, the whole text) is seconds.
    private static func scale(of unit: String, bare: Bool) -> Double? {
        switch unit {
        case "": bare ? 1 : nil
        case "s", "sec", "secs", "second", "seconds", "秒", "秒钟": 1
        case "m", "min", "mins", "minute", "minutes", "分", "分钟": 60
        case "h", "hr", "hrs", "hour", "hours", "时", "小时": 3600
        default: nil
        }
    }

    private static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || scalar == "."
    }

    /// Digits with at most one decimal point; nil for anything else.
    private static func number(_ scalars: [Unicode.Scalar]) -> Double? {
        guard !scalars.isEmpty, scalars.allSatisfy(isNumeric), scalars.filter({ $0 == "." }).count <= 1,
            scalars.contains(where: { $0 != "." })
        else { return nil }
        return Double(String(String.UnicodeScalarView(scalars)))
    }
}
