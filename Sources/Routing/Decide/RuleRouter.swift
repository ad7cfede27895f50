import ComplaintCore
import Foundation

/// Decides department, priority, deadline and tags for a complaint from the rule tables.
///
/// Tables run in order; in each, the first matching rule applies its outcome, and a later
/// table's outcome refines (overrides) what an earlier one set; tags accumulate. What no rule
/// set comes from the default, so every complaint is routed. Immutable: a reload builds a new
/// router, so one complaint is always routed entirely by one version of the tables.
public struct RuleRouter: Sendable {
    public let configuration: RoutingConfiguration
    private let compiled: CompiledTables
    private let districts: DistrictFinder

    /// Compiles `configuration` (one keyword automaton over every rule).
    public init(configuration: RoutingConfiguration) {
        self.configuration = configuration
        districts = DistrictFinder(configuration.districts)
        compiled = CompiledTables(
            configuration.tables, calendar: configuration.calendar, fallback: configuration.defaultOutcome,
            version: configuration.version)
    }

    /// Gives `complaint`, when it came with no district, the district its address names
    /// (`routing.districts`), else the one district its subject and text name, so `district`
    /// rules and the department see it. A text message rarely labels its place
    /// (`西湖区文三路工地晚上施工`); one that names two districts is left without.
    public func locate(_ complaint: inout Complaint) {
        guard complaint.location.district == nil, !districts.isEmpty else { return }
        if let address = complaint.location.address, let district = districts.district(in: address) {
            complaint.location.district = district
            return
        }
        complaint.location.district = districts.onlyDistrict(in: [complaint.subject ?? "", complaint.text])
    }

    /// Routes `complaint` as intake does, its district located first (``locate(_:)``), with every
    /// rule tried: what `POST /v1/routing/explain` and `rules explain` answer.
    public func explain(_ complaint: Complaint) -> RoutingDecision {
        var located = complaint
        locate(&located)
        return decide(located, withTrace: true)
    }

    /// Routes `complaint`; `withTrace` records every rule tried (for explain), otherwise only the
    /// rules that matched.
    public func decide(_ complaint: Complaint, withTrace: Bool = false) -> RoutingDecision {
        var outcome = Accumulated(matched: MatchedRules(compiled))
        withUnsafePointer(to: complaint) { record in
            // Room for the keywords found on the stack: a decision allocates nothing for them.
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { hitStorage in
                var subject = RoutingSubject(
                    record, calendar: compiled.calendar, compiled: compiled, hitStorage: hitStorage)
                if withTrace {
                    decideWithTrace(&subject, into: &outcome)
                } else {
                    decideFast(&subject, into: &outcome)
                }
            }
        }
        // Moved, not copied, into the decision: its tags and trail change owner without
        // reference counting.
        let done = consume outcome
        let fallback = compiled.fallback
        let decider = done.departmentRule >= 0 ? compiled.rules[Int(done.departmentRule)] : nil
        return RoutingDecision(
            department: decider?.rule.outcome.department ?? fallback.department,
            priority: done.priority ?? fallback.priority,
            dueAt: done.dueAt
                ?? fallback.due.map { compiled.calendar.pointee.deadline($0, from: complaint.receivedAt) },
            rule: decider?.rule.id ?? "default", table: decider?.tableName ?? "default",
            tablesVersion: compiled.version, tags: done.tags, trace: done.trace,
            matched: withTrace ? nil : done.matched)
    }

    /// Evaluates only the rules whose required keywords were found, plus those that need none,
    /// in table order; the first that holds in each table applies.
    ///
    /// The candidates come from merging the found keywords' rule lists and the list of rules that
    /// need no keyword, smallest index first, so evaluation stops at the last table's match
    /// without sorting every candidate.
    private func decideFast(_ subject: inout RoutingSubject, into outcome: inout Accumulated) {
        let program = compiled.program
        let lists = 2 * subject.hits.count + 1
        // Each list's next and end position, on the stack.
        withUnsafeTemporaryAllocation(of: UnsafePointer<Int32>.self, capacity: 2 * lists) { cursors in
            // Plain loops rather than a closure over the hits: a closure capturing `filled`
            // made every decision pay for dynamic exclusivity checks.
            var filled = 0
            let postings = UnsafePointer(program.postings.baseAddress!)
            let district = subject.districtID
            for position in 0..<subject.hits.count {
                let id = Int(subject.hits[position])
                let start = Int(program.postingStart[id])
                let end = Int(program.postingStart[id + 1])
                if end > start {
                    cursors[2 * filled] = postings + start
                    cursors[2 * filled + 1] = postings + end
                    filled += 1
                }
                guard district >= 0, let list = program.districtList(keyword: id, district: district) else { continue }
                cursors[2 * filled] = postings + Int(list.start)
                cursors[2 * filled + 1] = postings + Int(list.end)
                filled += 1
            }
            if program.unindexed.count > 0 {
                let unindexed = UnsafePointer(program.unindexed.baseAddress!)
                cursors[2 * filled] = unindexed
                cursors[2 * filled + 1] = unindexed + program.unindexed.count
                filled += 1
            }
            let lastTable = Int32(compiled.tableCount - 1)
            var decidedTable: Int32 = -1
            while filled > 0 {
                // The smallest next rule of all lists; every list at it moves past it.
                var index = Int32.max
                for list in 0..<filled where cursors[2 * list].pointee < index { index = cursors[2 * list].pointee }
                var list = 0
                while list < filled {
                    if cursors[2 * list].pointee == index {
                        cursors[2 * list] += 1
                        if cursors[2 * list] == cursors[2 * list + 1] {
                            filled -= 1
                            cursors[2 * list] = cursors[2 * filled]
                            cursors[2 * list + 1] = cursors[2 * filled + 1]
                            continue
                        }
                    }
                    list += 1
                }
                let table = program.ruleTable[Int(index)]
                guard table != decidedTable, program.holds(Int(index), on: &subject) else { continue }
                outcome.matched.append(index)
                outcome.apply(compiled.rules[Int(index)], index: index, on: subject)
                decidedTable = table
                // Rules come in table order: after a match in the last table, nothing can apply.
                if decidedTable == lastTable { return }
            }
        }
    }

    /// Evaluates every rule in order until each table's first match, recording why each failed.
    private func decideWithTrace(_ subject: inout RoutingSubject, into outcome: inout Accumulated) {
        var decidedTable = -1
        for (index, rule) in compiled.rules.enumerated() where rule.table != decidedTable {
            let tableName = rule.tableName
            if let failing = rule.conditions.indices.first(where: { !rule.conditions[$0].holds(on: &subject) }) {
                let reason = rule.rule.conditions[failing].failure(on: &subject)
                outcome.trace.append(RuleTrial(table: tableName, rule: rule.rule.id, matched: false, failed: reason))
                continue
            }
            let evidence = rule.rule.conditions.compactMap { $0.evidence(on: &subject) }
            let before = (outcome.departmentRule, outcome.priority, outcome.dueAt)
            outcome.apply(rule, index: Int32(index), on: subject)
            var applied: [String] = []
            if outcome.departmentRule != before.0 { applied.append("department") }
            if outcome.priority != before.1 { applied.append("priority") }
            if outcome.dueAt != before.2 { applied.append("due_at") }
            outcome.trace.append(
                RuleTrial(
                    table: tableName, rule: rule.rule.id, matched: true, failed: nil, tags: rule.rule.outcome.tags,
                    matchedOn: evidence, decides: applied))
            decidedTable = rule.table
        }
        // A field is decided by the last rule that set it: take it from the earlier ones.
        var taken: Set<String> = []
        for position in outcome.trace.indices.reversed() where outcome.trace[position].matched {
            let fields = outcome.trace[position].decides ?? []
            outcome.trace[position].decides = fields.filter { !taken.contains($0) }
            taken.formUnion(fields)
        }
    }

    /// What the matching rules have set so far.
    private struct Accumulated {
        /// The index of the rule that set the department (-1: none yet).
        var departmentRule: Int32 = -1
        var priority: Priority?
        var dueAt: Date?
        var tags: [String] = []
        /// The trail of a decision with trace: every rule tried.
        var trace: [RuleTrial] = []
        /// The trail of a decision without: the rules that matched.
        var matched: MatchedRules

        init(matched: MatchedRules) { self.matched = matched }

        /// A later table's department replaces an earlier one's; its priority and deadline only
        /// make the outcome stricter (the higher priority, the earlier deadline): a deadline
        /// table's "complaints: 5 workdays" must not give a gas leak that a keyword table gave
        /// 2 hours five days.
        mutating func apply(_ rule: CompiledRule, index: Int32, on subject: borrowing RoutingSubject) {
            let decided = rule.rule.outcome
            if decided.department != nil { departmentRule = index }
            if let value = decided.priority, priority.map({ value > $0 }) ?? true { priority = value }
            if let value = decided.due {
                let at = subject.calendar.pointee.deadline(value, from: subject.complaint.pointee.receivedAt)
                if dueAt.map({ at < $0 }) ?? true { dueAt = at }
            }
            for tag in decided.tags where !tags.contains(tag) { tags.append(tag) }
        }
    }
}
