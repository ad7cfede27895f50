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
            let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
            report(
                nil, nil, "",
                utf16
                    ? "file is UTF-16 (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\""
                    : "file is neither UTF-8 nor GBK/GB18030 text: save it as \"CSV UTF-8 (Comma delimited)\"")
            return RuleTable(name: name, file: file, rules: [])
        }
        // Past a quote left open the rest of the file is one cell and nothing can be trusted; the
        // rows before it can, and are checked, so their errors come in the same run (before it).
        let parsed = CSVRecords.parse(text)
        func reportOpenQuote() {
            guard let quote = parsed.unterminatedQuote else { return }
            report(
                quote.line, quote.column, "",
                "quote opened here is never closed (the rows from here on are not checked)")
        }
        defer { reportOpenQuote() }
        let records = parsed.records.filter { record in
            !(record.fields.first?.trimmingWhitespace.hasPrefix("#") ?? false)
                && !record.fields.allSatisfy { $0.trimmingWhitespace.isEmpty }
        }
        guard let header = records.first else {
            if parsed.unterminatedQuote == nil {
                report(1, nil, "", "no header row (expected columns such as id,keywords_any,department)")
            }
            return RuleTable(name: name, file: file, rules: [])
        }
        let (columns, headerValid) = readHeader(header, report: report)

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
                // A column the header got wrong is reported there, and its cells not read.
                guard let column = columns[index] else { continue }
                let value = cell.trimmingWhitespace
                guard !value.isEmpty else { continue }
                let at = { (message: String) in report(record.line, index + 1, column, message) }
                let warn = { (message: String) in
                    diagnostics.report(
                        ConfigIssue(
                            file: file, line: record.line, column: index + 1, field: column, message: message,
                            severity: .warning))
                }
                switch column {
                case "id": id = value
                case "description": break
                case "regex": conditions += parser.condition(column, [value], report: at, warn: warn).map { [$0] } ?? []
                default:
                    let values = value.split(separator: "|").map(\.trimmingWhitespace).filter { !$0.isEmpty }
                    if RuleFieldParser.outcomeKeys.contains(column) {
                        parser.outcome(column, values, into: &outcome, report: at)
                    } else if let condition = parser.condition(column, values, report: at, warn: warn) {
                        conditions.append(condition)
                    }
                }
            }
            if let idColumn = columns.firstIndex(of: "id").map({ $0 + 1 }) {
                if id.isEmpty {
                    report(record.line, idColumn, "id", "required cell is empty")
                } else if let first = seenIDs[id] {
                    report(record.line, idColumn, "id", "duplicate rule id \"\(id)\" (first defined on line \(first))")
                } else {
                    seenIDs[id] = record.line
                }
            }
            // With a column misnamed (`keyword_any`), a row's conditions may all be in it: saying
            // every row is empty would bury the one error that matters.
            if headerValid && diagnostics.errors.count == errorsBefore {
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
        let valid = headerValid && parsed.unterminatedQuote == nil && diagnostics.errors.count == tableErrorsBefore
        let shadows = valid ? ShadowedRules.find(in: rules) : []
        for shadow in shadows {
            diagnostics.report(
                ConfigIssue(
                    file: file, line: rules[shadow.hidden].line, column: 1, field: "",
                    message: ShadowedRules.message(hidden: rules[shadow.hidden], by: rules[shadow.by]),
                    severity: .warning))
        }
        for rule in rules {
            guard let reason = ImpossibleRules.reason(rule) else { continue }
            diagnostics.report(
                ConfigIssue(file: file, line: rule.line, column: 1, field: "", message: reason, severity: .warning))
        }
        return RuleTable(name: name, file: file, rules: rules)
    }

    /// The header's column names, nil for a column whose cells are not read (unknown, or a
    /// repeat), and whether the header is valid; every problem of the header is reported.
    private static func readHeader(
        _ header: CSVRecords.Record, report: (Int?, Int?, String, String) -> Void
    ) -> (columns: [String?], valid: Bool) {
        var names = header.fields.map { $0.trimmingWhitespace.lowercased() }
        // Excel writes an empty cell for every column once touched right of the table, on the
        // header and on every row: columns with no name and nothing in them are not columns.
        while names.last?.isEmpty == true { names.removeLast() }
        let known = Set(RuleCondition.keys).union(RuleFieldParser.outcomeKeys).union(otherColumns)
        var columns: [String?] = []
        var valid = true
        for (index, column) in names.enumerated() {
            if !known.contains(column) {
                // Excel in a European locale separates with `;`, its "Text" with tabs: one column.
                let separator = [";", "\t"].first {
                    column.contains($0) && column.split(separator: Character($0)).count > 1
                }
                report(
                    header.line, index + 1, column,
                    separator.map {
                        "unknown column \"\(column)\": the header is separated by \($0 == ";" ? "semicolons" : "tabs"), "
                            + "not commas; save the table as \"CSV UTF-8 (Comma delimited)\""
                    }
                        ?? "unknown column \"\(column)\" (conditions: \(RuleCondition.keys.joined(separator: ", ")); "
                        + "outcome: \(RuleFieldParser.outcomeKeys.joined(separator: ", ")); also id, description)")
            } else if names[..<index].contains(column) {
                report(header.line, index + 1, column, "column \"\(column)\" appears twice")
            } else {
                columns.append(column)
                continue
            }
            valid = false
            columns.append(nil)
        }
        if !names.contains("id") {
            valid = false
            report(header.line, nil, "", "no id column")
        }
        if names.contains("due"), names.contains("due_in_hours") {
            report(header.line, nil, "", "set either a due or a due_in_hours column, not both")
        }
        return (columns, valid)
    }
}
