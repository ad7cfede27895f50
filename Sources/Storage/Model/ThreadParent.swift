import ComplaintCore

/// The complaint an email reply belongs to: the reply follows it to the same department.
public struct ThreadParent: Sendable, Hashable {
    public var id: String
    public var routing: Complaint.RoutingInfo

    public init(id: String, routing: Complaint.RoutingInfo) {
        self.id = id
        self.routing = routing
    }
}
