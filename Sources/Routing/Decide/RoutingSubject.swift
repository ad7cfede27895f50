import ComplaintCore
import Foundation

/// The parts of a complaint rules look at, prepared once per decision.
struct RoutingSubject {
    let complaint: Complaint
    let calendar: WorkCalendar
    /// Ids of the keywords found in subject + text by the tables' ``KeywordAutomaton``.
    let hits: KeywordHits
    private var localTime: (day: Int, minute: Int)?

    init(_ complaint: Complaint, calendar: WorkCalendar, automaton: KeywordAutomaton) {
        self.complaint = complaint
        self.calendar = calendar
        var hits = KeywordHits()
        var state: Int32 = 0
        if var subject = complaint.subject {
            state = subject.withUTF8 { automaton.scan($0, from: state, into: &hits) }
            var newline = "\n"
            state = newline.withUTF8 { automaton.scan($0, from: state, into: &hits) }
        }
        var text = complaint.text
        _ = text.withUTF8 { automaton.scan($0, from: state, into: &hits) }
        self.hits = hits
    }

    /// Subject and text as regular expressions see them.
    var searchText: String { complaint.subject.map { "\($0)\n\(complaint.text)" } ?? complaint.text }

    /// `received_at` in the calendar's time zone (computed once, when a rule first asks).
    mutating func local() -> (day: Int, minute: Int) {
        if let localTime { return localTime }
        let value = calendar.local(complaint.receivedAt)
        localTime = value
        return value
    }
}
