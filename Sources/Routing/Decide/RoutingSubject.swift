import ComplaintCore
import Foundation

/// The parts of a complaint rules look at, prepared once per decision.
///
/// The complaint and calendar are reached through pointers valid for one decision (see
/// ``RuleRouter/decide(_:withTrace:)``): copying a record's many fields per decision costs more
/// than scanning its text.
struct RoutingSubject {
    let complaint: UnsafePointer<Complaint>
    let calendar: UnsafePointer<WorkCalendar>
    /// Ids of the keywords found in subject + text by the tables' ``KeywordAutomaton``.
    let hits: KeywordHits
    /// The interned id of `location.district` (-1: none, or named by no rule).
    let districtID: Int32
    private var localTime: (day: Int, minute: Int)?

    init(_ complaint: UnsafePointer<Complaint>, calendar: UnsafePointer<WorkCalendar>, compiled: CompiledTables) {
        self.complaint = complaint
        self.calendar = calendar
        let automaton = compiled.automaton
        if !compiled.districtIDs.isEmpty, let district = complaint.pointee.location.district {
            districtID = compiled.districtIDs[district] ?? -1
        } else {
            districtID = -1
        }
        var hits = KeywordHits()
        var state: Int32 = 0
        if var subject = complaint.pointee.subject {
            state = subject.withUTF8 { automaton.scan($0, from: state, into: &hits) }
            var newline = "\n"
            state = newline.withUTF8 { automaton.scan($0, from: state, into: &hits) }
        }
        var text = complaint.pointee.text
        _ = text.withUTF8 { automaton.scan($0, from: state, into: &hits) }
        self.hits = hits
    }

    /// Subject and text as regular expressions see them.
    var searchText: String {
        let record = complaint.pointee
        return record.subject.map { "\($0)\n\(record.text)" } ?? record.text
    }

    /// `received_at` in the calendar's time zone (computed once, when a rule first asks).
    mutating func local() -> (day: Int, minute: Int) {
        if let localTime { return localTime }
        let value = calendar.pointee.local(complaint.pointee.receivedAt)
        localTime = value
        return value
    }
}
