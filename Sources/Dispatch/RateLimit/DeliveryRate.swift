import Foundation

/// `rate_limit` of an endpoint: at most so many requests per second, minute or hour, for
/// department systems that cannot take more (or whose contract says so).
///
/// Written `20/s`, `600/min` or `1000/h`; fractions are allowed (`0.5/s`).
public struct DeliveryRate: Sendable, Hashable, CustomStringConvertible {
    /// Requests per second.
    public var perSecond: Double
    /// As configured, for messages.
    public var description: String

    public init(perSecond: Double, description: String? = nil) {
        self.perSecond = perSecond
        self.description = description ?? "\(perSecond)/s"
    }

    /// Parses `N/s`, `N/min` or `N/h` (also `second`, `minute`, `hour`).
    /// - Throws: ``DeliveryRateError`` saying what is wrong.
    public init(parsing text: String) throws(DeliveryRateError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Double(parts[0]) else {
            throw DeliveryRateError("expected a rate like 20/s, 600/min or 1000/h, found \"\(text)\"")
        }
        guard count.isFinite, count > 0 else { throw DeliveryRateError("the rate must be above 0, found \"\(text)\"") }
        let seconds: Double
        switch parts[1].lowercased() {
        case "s", "sec", "second": seconds = 1
        case "m", "min", "minute": seconds = 60
        case "h", "hour": seconds = 3600
        default: throw DeliveryRateError("unknown period \"\(parts[1])\" in \"\(text)\": use s, min or h")
        }
        self.init(perSecond: count / seconds, description: "\(parts[0])/\(parts[1])")
    }
}

/// Why a `rate_limit` value cannot be used.
public struct DeliveryRateError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
