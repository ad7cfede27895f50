import ComplaintCore
import Foundation

/// Reads one CSV rule table: one rule per row, a header naming the columns, `|` between list items.
///
/// ```csv
/// id,keywords_any,district,department,priority,due,tags
/// water-west,停水|没水,西湖区,water-supply,high,24h,民生
/// ```
///
/// Columns are the YAML table's condition and outcome keys plus `id` and `description`, in any
/// order; an empty cell is an absent condition. `regex` cells are not split on `|` (it is
/// alternation there). Rows whose first cell starts with `#` and blank rows are skipped.
/// Problems are reported as `file:line:column`, the line where the row starts and the cell's column number.
enum CSVRuleTableReader {
    static let otherColumns: Set<String> = ["id", "description"]

    static func read(
        _ data: Data, name: String, file: String, departments: Set<String>, diagnostics: ConfigDiagnostics
    ) -> RuleTable {
        func report(_ line: Int?, _ column: Int?, _ field: String, _ message: String) {
            diagnostics.report(ConfigIssue(file: file, line: line, column: column, field: field, message: message))
        }
        guard let text = TableText.decode(data)?.text else {
            report(nil, nil, "", "file is neither UTF-8 nor GBK/GB18030 text")
            return RuleTable(name: name, file: file, rules: [])
        }
        let records: [CSVRecords.Record]
        do {
            records = try CSVRecords.parse(text).filter { record in
                !(record.fields.first?.trimmingWhitespace.hasPrefix("#") ?? false)
                    && !record.fields.allSatisfy { $0.trimmingWhitespace.isEmpty }
            }
        } catch {
            report(error.line, error.column, "", "quote opened here is never closed")
            return RuleTable(name: name, file: file, rules: [])
        }
        guard let header = records.first else {
            report(1, nil, "", "no header row (expected columns such as id,keywords_any,department)")
            return RuleTable(name: name, file: file, rules: [])
        }

        var columns = header.fields.map { $0.trimmingWhitespace.lowercased() }
        // Excel writes an empty cell for every column once touched right of the table, on the
        // header and on every row: columns with no name and nothing in them are not columns.
        while columns.last?.isEmpty == true { columns.removeLast() }
        let known = Set(RuleCondition.keys).union(RuleFieldParser.outcomeKeys).union(otherColumns)
        var headerValid = true
        for (index, column) in columns.enumerated() {
            if !known.contains(column) {
                headerValid = false
                report(
                    header.line, index + 1, column,
                    "unknown column \"\(column)\" (conditions: \(RuleCondition.keys.joined(separator: ", ")); "
                        + "outcome: \(RuleFieldParser.outcomeKeys.joined(separator: ", ")); also id, description)")
            } else if columns[..<index].contains(column) {
                headerValid = false
                report(header.line, index + 1, column, "column \"\(column)\" appears twice")
            }
        }
        if !columns.contains("id") {
            headerValid = false
            report(header.line, nil, "", "no id column")
        }
        if columns.contains("due"), columns.contains("due_in_hours") {
            report(header.line, nil, "", "set either a due or a due_in_hours column, not both")
        }
        guard headerValid else { return RuleTable(name: name, file: file, rules: []) }

        let parser = RuleFieldParser(departments: departments)
        let tableErrorsBefore = diagnostics.errors.count
        var rules: [Rule] = []
        var seenIDs: [String: Int] = [:]
        for record in records.dropFirst() {
            var id = ""
            var conditions: [RuleCondition] = []
            var outcome = RuleOutcome()
            let errorsBefore = diagnostics.errors.count
            // Reported, and the row's other cells still checked: every error of the row at once.
            if record.fields.count > columns.count,
                !record.fields[columns.count...].allSatisfy({ $0.trimmingWhitespace.isEmpty })
            {
                report(
                    record.line, columns.count + 1, "",
                    "row has \(record.fields.count) cells but the header names \(columns.count) columns")
            }
            for (index, cell) in record.fields.prefix(columns.count).enumerated() {
                let column = columns[index]
                let value = cell.trimmingWhitespace
                guard !value.isEmpty else { continue }
                let at = { (message: String) in report(record.line, index + 1, column, message) }
                switch column {
                case "id": id = value
                case "description": break
                case "regex": conditions += parser.condition(column, [value], report: at).map { [$0] } ?? []
                default:
                    let values = value.split(separator: "|").map(\.trimmingWhitespace).filter { !$0.isEmpty }
                    if RuleFieldParser.outcomeKeys.contains(column) {
                        parser.outcome(column, values, into: &outcome, report: at)
                    } else if let condition = parser.condition(column, values, report: at) {
                        conditions.append(condition)
                    }
                }
            }
            let idColumn = columns.firstIndex(of: "id")! + 1
            if id.isEmpty {
                report(record.line, idColumn, "id", "required cell is empty")
            } else if let first = seenIDs[id] {
                report(record.line, idColumn, "id", "duplicate rule id \"\(id)\" (first defined on line \(first))")
            } else {
                seenIDs[id] = record.line
            }
            if diagnostics.errors.count == errorsBefore {
                if conditions.isEmpty {
                    report(record.line, nil, "", "empty rule \"\(id)\": no condition cell is set")
                } else if outcome.isEmpty {
                    report(
                        record.line, nil, "", "rule \"\(id)\" decides nothing: set department, priority, due or tags")
                }
            }
            rules.append(Rule(id: id, conditions: conditions, outcome: outcome, line: record.line))
        }
        // Dead rules only make sense to look for in a table that is otherwise valid.
        let shadows = diagnostics.errors.count == tableErrorsBefore ? ShadowedRules.find(in: rules) : []
        for shadow in shadows {
            diagnostics.report(
                ConfigIssue(
                    file: file, line: rules[shadow.hidden].line, column: 1, field: "",
                    message: ShadowedRules.message(hidden: rules[shadow.hidden], by: rules[shadow.by]),
                    severity: .warning))
        }
        return RuleTable(name: name, file: file, rules: rules)
    }
}
