import Foundation

/// The replay window of timestamped schemes (Telnyx, Standard Webhooks, Vonage): ±300 s by default.
public struct WebhookTimestamp: Sendable {
    /// How far a timestamp may lie behind or ahead of `now`, in seconds; exactly the tolerance passes.
    public var toleranceSeconds: Int

    public init(toleranceSeconds: Int = 300) { self.toleranceSeconds = toleranceSeconds }

    /// Checks a header holding unix seconds.
    func check(_ header: String?, now: Date, name: String) -> SMSRejection? {
        guard let header, !header.isEmpty else {
            return SMSRejection("missing_signature", "header \(name) is missing")
        }
        guard let seconds = Int(header.trimmingCharacters(in: .whitespaces)) else {
            return SMSRejection("bad_timestamp", "\(name) is not unix seconds")
        }
        let difference = abs(Int(now.timeIntervalSince1970.rounded(.down)) - seconds)
        if difference > toleranceSeconds {
            return SMSRejection(
                "stale_timestamp", "\(name) is \(difference) s away from now (tolerance \(toleranceSeconds) s)")
        }
        return nil
    }
}
