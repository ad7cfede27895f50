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

    /// Compiles `configuration` (one keyword automaton over every rule).
    public init(configuration: RoutingConfiguration) {
        self.configuration = configuration
        compiled = CompiledTables(configuration.tables, calendar: configuration.calendar)
    }

    /// Routes `complaint`; `withTrace` records every rule tried (for explain), otherwise only the
    /// rules that matched.
    public func decide(_ complaint: Complaint, withTrace: Bool = false) -> RoutingDecision {
        var outcome = Accumulated()
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
        let due = outcome.due ?? configuration.defaultOutcome.due
        return RoutingDecision(
            department: outcome.department?.value ?? configuration.defaultOutcome.department,
            priority: outcome.priority ?? configuration.defaultOutcome.priority,
            dueAt: due.map { configuration.calendar.deadline($0, from: complaint.receivedAt) },
            rule: outcome.department?.rule ?? "default",
            table: outcome.department?.table ?? "default",
            tablesVersion: configuration.version,
            tags: outcome.tags,
            trace: outcome.trace)
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
            var filled = 0
            func add(_ start: UnsafePointer<Int32>, _ count: Int) {
                guard count > 0 else { return }
                cursors[2 * filled] = start
                cursors[2 * filled + 1] = start + count
                filled += 1
            }
            let postings = UnsafePointer(program.postings.baseAddress!)
            let district = subject.districtID
            subject.hits.forEachID { id in
                let start = Int(program.postingStart[Int(id)])
                add(postings + start, Int(program.postingStart[Int(id) + 1]) - start)
                guard district >= 0 else { return }
                for entry in Int(program.districtStart[Int(id)])..<Int(program.districtStart[Int(id) + 1]) {
                    let list = program.districtLists[entry]
                    if list.district == district {
                        add(postings + Int(list.start), Int(list.end - list.start))
                        break
                    }
                }
            }
            add(UnsafePointer(program.unindexed.baseAddress!), program.unindexed.count)
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
                let rule = compiled.rules[Int(index)]
                outcome.trace.append(
                    RuleTrial(
                        table: rule.tableName, rule: rule.rule.id, matched: true, failed: nil,
                        tags: rule.rule.outcome.tags))
                outcome.apply(rule, tableName: rule.tableName)
                decidedTable = table
                // Rules come in table order: after a match in the last table, nothing can apply.
                if decidedTable == lastTable { return }
            }
        }
    }

    /// Evaluates every rule in order until each table's first match, recording why each failed.
    private func decideWithTrace(_ subject: inout RoutingSubject, into outcome: inout Accumulated) {
        var decidedTable = -1
        for rule in compiled.rules where rule.table != decidedTable {
            let tableName = rule.tableName
            if let failing = rule.conditions.indices.first(where: { !rule.conditions[$0].holds(on: &subject) }) {
                let reason = rule.rule.conditions[failing].failure(on: &subject)
                outcome.trace.append(RuleTrial(table: tableName, rule: rule.rule.id, matched: false, failed: reason))
                continue
            }
            outcome.trace.append(
                RuleTrial(
                    table: tableName, rule: rule.rule.id, matched: true, failed: nil, tags: rule.rule.outcome.tags))
            outcome.apply(rule, tableName: tableName)
            decidedTable = rule.table
        }
    }

    /// What the matching rules have set so far.
    private struct Accumulated {
        var department: (value: String, rule: String, table: String)?
        var priority: Priority?
        var due: Due?
        var tags: [String] = []
        var trace: [RuleTrial] = []

        mutating func apply(_ rule: CompiledRule, tableName: String) {
            let decided = rule.rule.outcome
            if let value = decided.department { department = (value, rule.rule.id, tableName) }
            if let value = decided.priority { priority = value }
            if let value = decided.due { due = value }
            for tag in decided.tags where !tags.contains(tag) { tags.append(tag) }
        }
    }
}
