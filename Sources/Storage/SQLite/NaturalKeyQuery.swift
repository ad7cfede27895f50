import ComplaintCore

/// The lookup of a complaint by its natural key (channel, adapter, external id).
///
/// The channel is written into the SQL rather than bound: the partial index on email Message-IDs
/// (`WHERE channel = 'email'`) makes SQLite's planner depend on the channel's value, and a statement
/// whose plan depends on a bound value is compiled again on every execution. With the literal, each
/// channel's statement is compiled once and stays in the statement cache. `Channel` is a closed set
/// of identifiers, so nothing from outside reaches the SQL text.
enum NaturalKeyQuery {
    static func sql(selecting columns: String, channel: Channel) -> String {
        "SELECT \(columns) FROM complaints WHERE channel = '\(channel.rawValue)' AND adapter = ? AND external_id = ?"
    }
}
