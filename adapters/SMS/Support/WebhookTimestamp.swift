import Foundation

/// The replay window of timestamped schemes (Telnyx, Standard Webhooks, Vonage): ±300 s by default.
public struct WebhookTimestamp: Sendable {
    /// How far a timestamp may lie behind or ahead of `now`, in seconds; exactly the tolerance passes.
    public var toleranceSeconds: Int

    public init(toleranceSeconds: Int = 300) { self.toleranceSeconds = toleranceSeconds }

    /// How long Vonage resends an inbound message it could not deliver (24 hours), with an hour's
    /// margin: its signed `timestamp` is when it *started* pushing the message, so every resend
    /// carries the first attempt's time. A replay inside the window is a duplicate of the message
    /// id, answered and not stored twice.
    public static let vonageResendSeconds = 25 * 3600

    /// Checks a header or parameter holding unix seconds; `name` says which (`header telnyx-timestamp`).
    func check(_ header: String?, now: Date, name: String) -> SMSRejection? {
        check(header, now: now, name: name, maxAgeSeconds: toleranceSeconds)
    }

    /// The same, with a longer window behind `now` than ahead of it (Vonage's resends).
    func check(_ header: String?, now: Date, name: String, maxAgeSeconds: Int) -> SMSRejection? {
        guard let header, !header.isEmpty else {
            return SMSRejection("missing_signature", "\(name) is missing")
        }
        guard let seconds = Int(header.trimmingCharacters(in: .whitespaces)) else {
            return SMSRejection("bad_timestamp", "\(name) is not unix seconds")
        }
        // Milliseconds (13 digits) are a sender's mistake worth naming, not a time 50,000 years ahead.
        if seconds > 99_999_999_999 {
            return SMSRejection("bad_timestamp", "\(name) looks like milliseconds; unix seconds are expected")
        }
        let age = Int(now.timeIntervalSince1970.rounded(.down)) - seconds
        if age > max(maxAgeSeconds, toleranceSeconds) {
            return SMSRejection(
                "stale_timestamp", "\(name) is \(age) s old (at most \(max(maxAgeSeconds, toleranceSeconds)) s)")
        }
        if -age > toleranceSeconds {
            return SMSRejection(
                "stale_timestamp", "\(name) is \(-age) s ahead of now (tolerance \(toleranceSeconds) s)")
        }
        return nil
    }
}
