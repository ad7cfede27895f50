import ComplaintCore
import Foundation

/// A profile's `time_zone`: an IANA region name, nothing that merely looks like one.
///
/// Foundation also takes abbreviations and offsets, and reads them in ways an admin does not
/// mean: `CST` is US Central time (China Standard Time is 13–14 hours away), `EST` is UTC−5 all
/// year (New York is UTC−4 in summer), `GMT+8` is not an IANA name at all. Every call time, and so
/// every deadline, would be off by hours with nothing to show it; so only region names
/// (`Asia/Shanghai`, `America/New_York`) and `UTC` are taken, and a refusal names the region meant.
enum ProfileTimeZone {
    /// The zone `node` names (absent: Asia/Shanghai); nil with an error reported when it is not one.
    static func read(_ node: ConfigNode) -> TimeZone? {
        let name = node.string() ?? "Asia/Shanghai"
        if let refusal = refusal(of: name) {
            node.error(refusal)
            return nil
        }
        if let offset = etcOffset(name) {
            node.warning(
                "\(name) is UTC\(offset): the sign of Etc/GMT names is reversed (POSIX); a region name such as "
                    + "Asia/Shanghai is clearer and follows daylight saving")
        }
        return TimeZone(identifier: name)
    }

    /// Why `name` is not taken, nil when it is.
    static func refusal(of name: String) -> String? {
        let regionHint = "write an IANA region name such as Asia/Shanghai or America/New_York"
        if name == "UTC" || name == "Etc/UTC" { return nil }
        if let meant = abbreviations[name.uppercased()] {
            return "\"\(name)\" is an abbreviation, not a time zone: for \(meant)"
        }
        if isOffset(name) {
            return
                "\"\(name)\" is a fixed offset, which never follows daylight saving: \(regionHint) (for UTC+8: Asia/Shanghai)"
        }
        if TimeZone(identifier: name) != nil, name.contains("/") { return nil }
        if let spelled = TimeZone.knownTimeZoneIdentifiers.first(where: { $0.lowercased() == name.lowercased() }),
            spelled.contains("/") || spelled == "UTC"
        {
            return "unknown time zone \"\(name)\": names are case-sensitive, write \(spelled)"
        }
        if TimeZone(identifier: name) != nil {
            return "\"\(name)\" is an old alias, not a region name: \(regionHint)"
        }
        return "unknown time zone \"\(name)\" (\(regionHint))"
    }

    /// The region each common abbreviation stands for; the ambiguous ones name every candidate.
    private static let abbreviations: [String: String] = [
        "CST": "China Standard Time write Asia/Shanghai; for US Central time America/Chicago",
        "CDT": "US Central time write America/Chicago", "CST6CDT": "US Central time write America/Chicago",
        "BJT": "Beijing time write Asia/Shanghai", "PRC": "China write Asia/Shanghai",
        "HKT": "Hong Kong write Asia/Hong_Kong", "JST": "Japan write Asia/Tokyo", "KST": "Korea write Asia/Seoul",
        "SGT": "Singapore write Asia/Singapore",
        "EST": "US Eastern time write America/New_York (EST ignores summer time)",
        "EDT": "US Eastern time write America/New_York", "EST5EDT": "US Eastern time write America/New_York",
        "MST": "US Mountain time write America/Denver (America/Phoenix where there is no summer time)",
        "MDT": "US Mountain time write America/Denver", "MST7MDT": "US Mountain time write America/Denver",
        "PST": "US Pacific time write America/Los_Angeles", "PDT": "US Pacific time write America/Los_Angeles",
        "PST8PDT": "US Pacific time write America/Los_Angeles",
        "IST": "India write Asia/Kolkata; for Israel Asia/Jerusalem; for Ireland Europe/Dublin",
        "GMT": "UK time write Europe/London (it has summer time); for no offset at all UTC",
        "BST": "UK time write Europe/London", "CET": "Central Europe write a city's zone, such as Europe/Berlin",
    ]

    /// `UTC+8`, `GMT+08:00`, `+0800`: an offset written as a name.
    private static func isOffset(_ name: String) -> Bool {
        var rest = Substring(name.uppercased())
        for prefix in ["UTC", "GMT", "UT"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        guard let sign = rest.first, sign == "+" || sign == "-" || sign == "−" else { return false }
        return rest.dropFirst().allSatisfy { $0.isASCII && ($0.isNumber || $0 == ":") } && rest.count > 1
    }

    /// For `Etc/GMT+8`, the offset it really is (`−8`).
    private static func etcOffset(_ name: String) -> String? {
        guard name.hasPrefix("Etc/GMT"), name.count > 7 else { return nil }
        let rest = name.dropFirst(7)
        guard let sign = rest.first, sign == "+" || sign == "-", let hours = Int(rest.dropFirst()), hours != 0 else {
            return nil
        }
        return (sign == "+" ? "−" : "+") + String(hours)
    }
}
