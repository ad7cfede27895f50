import Storage

/// Why a replay found no dead letter under an id: a typo and a complaint already delivered call
/// for different things, so the answer says which it is.
public enum NotADeadLetter {
    /// The explanation, and whether a complaint with that id exists at all.
    public static func explain(_ id: String, store: any ComplaintStore) async throws -> (message: String, exists: Bool)
    {
        guard let complaint = try await store.complaint(id: id) else { return ("no complaint \(id)", false) }
        switch complaint.state {
        case .delivered:
            return ("complaint \(id) is not a dead letter: it was delivered", true)
        case .pending:
            return (
                "complaint \(id) is not a dead letter: its delivery is pending (being sent or waiting to retry)", true
            )
        case .dead:
            // Replayed by someone else between the two reads.
            return ("complaint \(id) is not a dead letter any more: it was replayed just now", true)
        }
    }
}
