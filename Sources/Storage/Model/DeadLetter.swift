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

    public init(
        complaintID: String, department: String, attempts: Int, deadAt: Date, error: String?, replays: Int,
        lastAttempt: DeliveryAttempt?
    ) {
        self.complaintID = complaintID
        self.department = department
        self.attempts = attempts
        self.deadAt = deadAt
        self.error = error
        self.replays = replays
        self.lastAttempt = lastAttempt
    }
}

/// Which dead letters to list.
public struct DeadLetterQuery: Sendable, Hashable {
    /// Only this department's.
    public var department: String?
    /// 1–1000 (default 100).
    public var limit: Int

    public init(department: String? = nil, limit: Int = 100) {
        self.department = department
        self.limit = limit
    }
}
