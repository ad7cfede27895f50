import Foundation

/// A delivery that gave up: permanent rejection or retries exhausted. Replayable.
public struct DeadLetter: Sendable, Hashable {
    public var complaintID: String
    public var department: String
    /// Attempts made in all (across earlier replays).
    public var attempts: Int
    /// When it became a dead letter.
    public var deadAt: Date
    /// Why it gave up.
    public var error: String?
    /// Times it was replayed before.
    public var replays: Int
    /// The last attempt, with the endpoint's last response (status, snippet) when there was one.
    public var lastAttempt: DeliveryAttempt?
    /// Its place in the list, to continue after it (the stored time, to the millisecond).
    public var cursor: DeadLetterCursor

    public init(
        complaintID: String, department: String, attempts: Int, deadAt: Date, error: String?, replays: Int,
        lastAttempt: DeliveryAttempt?, cursor: DeadLetterCursor
    ) {
        self.complaintID = complaintID
        self.department = department
        self.attempts = attempts
        self.deadAt = deadAt
        self.error = error
        self.replays = replays
        self.lastAttempt = lastAttempt
        self.cursor = cursor
    }
}

/// Which dead letters to list.
public struct DeadLetterQuery: Sendable, Hashable {
    /// Only this department's.
    public var department: String?
    /// 1–1000 (default 100).
    public var limit: Int
    /// Continue after this one (exclusive), from the previous page's last item.
    public var after: DeadLetterCursor?

    public init(department: String? = nil, limit: Int = 100, after: DeadLetterCursor? = nil) {
        self.department = department
        self.limit = limit
        self.after = after
    }
}

/// A place in the dead-letter list (most recently dead first): a dead letter's time and id.
/// Written `<milliseconds>-<complaint id>`, opaque to clients.
public struct DeadLetterCursor: Sendable, Hashable, CustomStringConvertible {
    public var deadAtMilliseconds: Int64
    public var complaintID: String

    public init(deadAtMilliseconds: Int64, complaintID: String) {
        self.deadAtMilliseconds = deadAtMilliseconds
        self.complaintID = complaintID
    }

    /// Parses a cursor an earlier page gave; nil when `text` is not one.
    public init?(_ text: String) {
        guard let dash = text.firstIndex(of: "-"), let milliseconds = Int64(text[..<dash]), milliseconds >= 0
        else { return nil }
        let id = String(text[text.index(after: dash)...])
        guard id.hasPrefix("cmp_"), id.count == 30 else { return nil }
        deadAtMilliseconds = milliseconds
        complaintID = id
    }

    public var description: String { "\(deadAtMilliseconds)-\(complaintID)" }
}
