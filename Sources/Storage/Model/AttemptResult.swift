import Foundation

/// A finished attempt waiting to be recorded: the complaint, the attempt, and what happens next.
public struct AttemptResult: Sendable, Hashable {
    public var complaintID: String
    public var attempt: DeliveryAttempt
    public var resolution: DeliveryResolution

    public init(complaintID: String, attempt: DeliveryAttempt, resolution: DeliveryResolution) {
        self.complaintID = complaintID
        self.attempt = attempt
        self.resolution = resolution
    }
}
