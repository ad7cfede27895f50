/// The channel a complaint arrived through (`channel` in `complaint/v1`).
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    case email
    case sms
    case hotline
    case api
}
