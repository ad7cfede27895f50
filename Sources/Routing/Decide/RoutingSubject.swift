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
    /// Sources of the rule regexes whose match was stopped at the time budget, so explain can say
    /// so (empty, and never allocated, unless one was).
    var timedOutPatterns: [String] = []

    /// `hitStorage` keeps the keyword ids found (see ``KeywordHits``); it must outlive the subject.
    init(
        _ complaint: UnsafePointer<Complaint>, calendar: UnsafePointer<WorkCalendar>, compiled: CompiledTables,
        hitStorage: UnsafeMutableBufferPointer<Int32>
    ) {
        self.complaint = complaint
        self.calendar = calendar
        let automaton = compiled.automaton
        if let district = complaint.pointee.location.district {
            districtID = compiled.districts.id(of: district)
        } else {
            districtID = -1
        }
        var hits = KeywordHits(storage: hitStorage)
        var state: Int32 = 0
        if let subject = complaint.pointee.subject {
            state = Self.scan(subject, automaton, from: state, into: &hits)
            state = Self.scan("\n", automaton, from: state, into: &hits)
        }
        _ = Self.scan(complaint.pointee.text, automaton, from: state, into: &hits)
        self.hits = hits
    }

    /// Scans `text`'s UTF-8 in place (a native string's storage; a copy only for a bridged one).
    private static func scan(
        _ text: String, _ automaton: KeywordAutomaton, from state: Int32, into hits: inout KeywordHits
    ) -> Int32 {
        if let next = text.utf8.withContiguousStorageIfAvailable({ automaton.scan($0, from: state, into: &hits) }) {
            return next
        }
        var copy = text
        return copy.withUTF8 { automaton.scan($0, from: state, into: &hits) }
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
