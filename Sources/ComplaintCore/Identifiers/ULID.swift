/// A 128-bit Universally Unique Lexicographically Sortable Identifier.
///
/// The top 48 bits are a Unix timestamp in milliseconds and the low 80 bits are random, so ids
/// sort by creation time both as values and as their 26-character Crockford base32 strings
/// (the alphabet is in ascending ASCII order). That is why the gateway uses them for
/// complaint and raw-message ids: a plain string index on them is also a time index.
public struct ULID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The largest timestamp 48 bits hold (year 10889).
    public static let maxTimestamp: UInt64 = (1 << 48) - 1

    /// The timestamp followed by the top 16 random bits.
    let high: UInt64
    /// The low 64 random bits.
    let low: UInt64

    /// Builds an id from its raw halves; the generator uses this to increment an id.
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Builds an id from a timestamp and 80 random bits.
    ///
    /// - Parameters:
    ///   - timestamp: Milliseconds since 1970-01-01T00:00:00Z; must not exceed ``maxTimestamp``.
    ///   - random: The 80 random bits as (top 16 bits, low 64 bits).
    public init(timestamp: UInt64, random: (UInt16, UInt64)) {
        precondition(timestamp <= Self.maxTimestamp, "ULID timestamp \(timestamp) does not fit in 48 bits")
        self.init(high: timestamp << 16 | UInt64(random.0), low: random.1)
    }

    /// Parses the 26-character Crockford base32 form, in either case.
    ///
    /// Returns nil for a wrong length, a character outside the alphabet, or a value above
    /// 128 bits (a first character past `7`). `I`, `L` and `O`, which Crockford decoding
    /// reads as `1`, `1` and `0`, are rejected too, so every id has one spelling up to case
    /// and ids compared as strings (in SQL, in logs) agree with ids compared as values.
    /// - Parameter string: The text to parse, such as `01ARYZ6S41TSV4RRFFQ69G5FAV`.
    public init?(string: String) {
        // Native strings are contiguous; a bridged one is copied once to make it so.
        let parsed =
            string.utf8.withContiguousStorageIfAvailable(ULIDBase32.decode)
            ?? Array(string.utf8).withUnsafeBufferPointer(ULIDBase32.decode)
        guard let parsed else { return nil }
        self = parsed
    }

    /// Milliseconds since 1970-01-01T00:00:00Z at which the id was made.
    public var timestampMilliseconds: UInt64 { high >> 16 }

    /// The canonical 26-character uppercase Crockford base32 form.
    public var description: String { ULIDBase32.encode(self) }

    /// Orders ids by timestamp, then by their random part: the same order as their strings.
    public static func < (lhs: ULID, rhs: ULID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
