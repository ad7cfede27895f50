import ComplaintCore
import GRDB

/// The statement that reads a page of `GET /v1/complaints`, newest first, shaped so that every
/// filter has an index to find its complaints with: a page costs about the same in a store of a
/// thousand complaints or of millions. Each shape first selects the page's ids from an index,
/// then reads just those rows.
struct ComplaintListSQL {
    let sql: String
    let arguments: StatementArguments
    /// Tried first, for a time window: the page as found among the newest complaints alone, which
    /// is the page whenever it comes back full (``probedNewest``).
    let probe: (sql: String, arguments: StatementArguments)?

    /// How many of the newest complaints the probe of a time window looks at, for a page of `limit`.
    static func probedNewest(limit: Int) -> Int { max(256, 4 * limit) }

    /// - Parameter limit: the rows to read: the page's size and one more, to tell if another follows.
    init(_ query: ComplaintQuery, limit: Int) {
        var arguments = StatementArguments()
        let ids: String
        var probe: (String, StatementArguments)?
        if query.since != nil || query.until != nil {
            // A time window: its index also holds channel and department, so the window's ids and
            // the other filters come from the index alone. Scanning by id instead could read every
            // complaint newer than the window before the first match. But a window that holds
            // most of the store makes that index's range long (0.9 s for 1.3 million entries),
            // while its newest matches are among the newest complaints: so those are looked at
            // first. If `limit` of them match, no older complaint can be on the page.
            var clauses = Self.equalities(query, &arguments)
            if let since = query.since {
                clauses.append("received_at >= ?")
                arguments += [since.unixMilliseconds]
            }
            if let until = query.until {
                clauses.append("received_at < ?")
                arguments += [until.unixMilliseconds]
            }
            var newest: [String] = []
            var probeArguments = StatementArguments()
            Self.cursor(query, &newest, &probeArguments)
            probeArguments += [Self.probedNewest(limit: limit)] + arguments + [limit]
            // `+column` keeps SQLite from an index on that column: given one on the department,
            // it read all of a department's entries to find the few among the newest.
            let checks = clauses.map { "+" + $0 }.joined(separator: " AND ")
            probe = (
                Self.page(
                    ids: "SELECT id FROM complaints WHERE id IN (SELECT id FROM complaints \(Self.whereClause(newest)) "
                        + "ORDER BY id DESC LIMIT ?) AND \(checks) ORDER BY id DESC LIMIT ?"),
                probeArguments
            )
            Self.cursor(query, &clauses, &arguments)
            ids =
                "SELECT id FROM complaints INDEXED BY complaints_received \(Self.whereClause(clauses)) "
                + "ORDER BY id DESC LIMIT ?"
            arguments += [limit]
        } else if let department = query.department, query.channel == nil {
            // A department on every channel: its index orders ids within each channel, so each
            // channel's newest are read in order and the page is the newest of those few.
            let parts = Channel.allCases.map { channel in
                var clauses = ["department = ?", "channel = '\(channel.rawValue)'"]
                arguments += [department]
                Self.cursor(query, &clauses, &arguments)
                arguments += [limit]
                return "SELECT id FROM (SELECT id FROM complaints INDEXED BY complaints_department_channel "
                    + "\(Self.whereClause(clauses)) ORDER BY id DESC LIMIT ?)"
            }
            ids = "SELECT id FROM (\(parts.joined(separator: " UNION ALL "))) ORDER BY id DESC LIMIT ?"
            arguments += [limit]
        } else {
            // A channel, a channel and a department, or nothing: one index (channel, id),
            // (department, channel, id) or the ids' own holds them in order.
            var clauses = Self.equalities(query, &arguments)
            Self.cursor(query, &clauses, &arguments)
            ids = "SELECT id FROM complaints \(Self.whereClause(clauses)) ORDER BY id DESC LIMIT ?"
            arguments += [limit]
        }
        sql = Self.page(ids: ids)
        self.arguments = arguments
        self.probe = probe
    }

    /// The page's rows, given the statement that selects their ids.
    private static func page(ids: String) -> String {
        """
        SELECT c.id, o.state, c.record FROM complaints c JOIN outbox o ON o.complaint_id = c.id
        WHERE c.id IN (\(ids)) ORDER BY c.id DESC
        """
    }

    private static func equalities(_ query: ComplaintQuery, _ arguments: inout StatementArguments) -> [String] {
        var clauses: [String] = []
        if let channel = query.channel {
            clauses.append("channel = ?")
            arguments += [channel.rawValue]
        }
        if let department = query.department {
            clauses.append("department = ?")
            arguments += [department]
        }
        return clauses
    }

    private static func cursor(
        _ query: ComplaintQuery, _ clauses: inout [String], _ arguments: inout StatementArguments
    ) {
        guard let cursor = query.cursor else { return }
        clauses.append("id < ?")
        arguments += [cursor]
    }

    private static func whereClause(_ clauses: [String]) -> String {
        clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    }
}
