/// The gateway's public id strings: a short type prefix, an underscore, then a ``ULID``.
///
/// The prefix tells a person reading a log or a URL what kind of record an id names
/// (`cmp_…` a complaint, `raw_…` a raw inbound message) without a lookup.
public enum GatewayID {
    /// The id of a normalized complaint: `cmp_` followed by the ULID.
    /// - Parameter ulid: The underlying id.
    public static func complaint(_ ulid: ULID) -> String { "cmp_" + ulid.description }

    /// The id of a raw inbound message: `raw_` followed by the ULID.
    /// - Parameter ulid: The underlying id.
    public static func raw(_ ulid: ULID) -> String { "raw_" + ulid.description }

    /// The ULID inside a prefixed id such as `cmp_01ARYZ6S41TSV4RRFFQ69G5FAV`.
    ///
    /// Any prefix up to the last underscore is accepted, and so is a bare ULID: callers check
    /// the prefix themselves when the kind matters, and old or foreign ids still resolve.
    /// - Parameter prefixedID: The id text.
    /// - Returns: The ULID, or nil if the part after the prefix is not one.
    public static func ulid(from prefixedID: String) -> ULID? {
        let utf8 = prefixedID.utf8
        guard let underscore = utf8.lastIndex(of: UInt8(ascii: "_")) else {
            return ULID(string: prefixedID)
        }
        return ULID(string: String(prefixedID[utf8.index(after: underscore)...]))
    }
}
