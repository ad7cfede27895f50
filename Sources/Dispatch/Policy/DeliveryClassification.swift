import Foundation

/// What one attempt's result means, apart from when to retry (that is ``RetryPolicy``'s job).
public enum DeliveryClassification: Sendable, Hashable {
    /// 2xx: delivered.
    case success
    /// Worth trying again (407, 408, 429, 5xx, timeouts, refused or reset connections).
    case retry(reason: String, retryAfter: TimeInterval?)
    /// Will not succeed by repetition (other 4xx, and anything else a retry cannot fix).
    case dontRetry(reason: String)

    /// Classifies a transport result.
    public static func classify(_ result: TransportResult, now: Date = Date()) -> DeliveryClassification {
        switch result {
        case .failed(let error):
            return .retry(reason: error, retryAfter: nil)
        case .response(let status, let headers, _):
            switch status {
            case 200..<300:
                return .success
            // 407 comes from a proxy on the way: its credentials are the gateway's configuration,
            // not the complaint's fault, and once they are fixed the delivery goes through.
            case 407, 408, 429, 500..<600:
                let retryAfter = headers.first { $0.name.lowercased() == "retry-after" }
                    .flatMap { RetryAfter.parse($0.value, now: now) }
                return .retry(reason: "HTTP \(status)", retryAfter: retryAfter)
            case 300..<400:
                // Not followed (a redirect could send a complaint anywhere): the endpoint moved,
                // and the operator reading the dead letter needs to know where to.
                let location = headers.first { $0.name.lowercased() == "location" }?.value
                    .trimmingCharacters(in: .whitespaces)
                guard let location, !location.isEmpty else { return .dontRetry(reason: "HTTP \(status)") }
                return .dontRetry(
                    reason:
                        "HTTP \(status): redirected to \(location.prefix(200)), not followed; update the endpoint URL")
            default:
                return .dontRetry(reason: "HTTP \(status)")
            }
        }
    }
}

/// The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// Seconds to wait from `now`, nil when the value is neither form. A date in the past gives 0.
    public static func parse(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        // Digits beyond a 64-bit integer still say "a very long time": the retry policy caps it.
        if trimmed.count > 18, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .greatestFiniteMagnitude }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
