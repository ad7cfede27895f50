/// How urgently a department must act (`routing.priority` in `complaint/v1`).
public enum Priority: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case low
    case normal
    case high
    case urgent

    private var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}
