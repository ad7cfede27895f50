import ComplaintCore

/// The parts of a complaint rules look at, prepared once per decision.
struct RoutingSubject {
    let channel: Channel
    let category: String?
    /// Subject and text, folded with ``MatchText``.
    let foldedText: MatchText

    init(_ complaint: Complaint) {
        channel = complaint.channel
        category = complaint.category
        let combined = complaint.subject.map { "\($0)\n\(complaint.text)" } ?? complaint.text
        foldedText = MatchText(combined)
    }
}
