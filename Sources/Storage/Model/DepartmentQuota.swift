/// How many outbox items one department may start now, in a claim that walks departments in order.
public struct DepartmentQuota: Sendable, Hashable {
    public var department: String
    public var quota: Int

    public init(department: String, quota: Int) {
        self.department = department
        self.quota = quota
    }
}
