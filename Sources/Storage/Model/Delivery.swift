import ComplaintCore
import Foundation

/// A complaint waiting in the outbox for delivery to its department.
public struct OutboxItem: Sendable, Hashable {
    public var complaintID: String
    public var department: String
    /// Attempts already made (all of them, across replays: the next attempt's number is `attempts + 1`).
    public var attempts: Int
    /// Attempts made before the last replay of a dead letter: the retry policy counts from here.
    public var attemptsBeforeReplay: Int
    /// When the first attempt since the last replay began (nil before it): the give-up time counts from it.
    public var firstAttemptAt: Date?
    /// The record exactly as committed (`complaint/v1` JSON): what the department receives.
    public var body: Data

    public init(
        complaintID: String, department: String, attempts: Int, body: Data, attemptsBeforeReplay: Int = 0,
        firstAttemptAt: Date? = nil
    ) {
        self.complaintID = complaintID
        self.department = department
        self.attempts = attempts
        self.attemptsBeforeReplay = attemptsBeforeReplay
        self.firstAttemptAt = firstAttemptAt
        self.body = body
    }
}

/// One delivery attempt as recorded.
public struct DeliveryAttempt: Sendable, Hashable {
    public var attempt: Int
    public var department: String
    public var url: String
    public var startedAt: Date
    public var latencyMilliseconds: Double
    /// HTTP status, nil when no response came (timeout, refused, reset).
    public var statusCode: Int?
    /// `delivered`, `retry`, `dead`.
    public var outcome: String
    public var error: String?
    /// The first bytes of the response body, for operators.
    public var responseSnippet: String?

    public init(
        attempt: Int, department: String, url: String, startedAt: Date, latencyMilliseconds: Double,
        statusCode: Int?, outcome: String, error: String?, responseSnippet: String?
    ) {
        self.attempt = attempt
        self.department = department
        self.url = url
        self.startedAt = startedAt
        self.latencyMilliseconds = latencyMilliseconds
        self.statusCode = statusCode
        self.outcome = outcome
        self.error = error
        self.responseSnippet = responseSnippet
    }
}

/// What the dispatcher decided after an attempt, to be recorded with it.
public enum DeliveryResolution: Sendable, Hashable {
    /// 2xx: done.
    case delivered
    /// Try again no earlier than this time.
    case retry(at: Date)
    /// Give up: a dead letter.
    case dead
}
