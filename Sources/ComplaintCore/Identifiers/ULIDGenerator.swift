import Foundation
import Synchronization

/// Makes ``ULID``s that sort in the order they were made, even within one millisecond.
///
/// Plain ULIDs made in the same millisecond order randomly. The gateway relies on id order
/// as arrival order (the outbox and list endpoints page by id), so within a millisecond, or
/// when the wall clock steps backwards, the generator keeps the last timestamp and adds one
/// to the previous id instead of drawing new random bits.
public final class ULIDGenerator: Sendable {
    /// A process-wide generator, so ids from every component share one order.
    public static let shared = ULIDGenerator()

    /// The last id handed out; nil before the first.
    private let last = Mutex<ULID?>(nil)

    /// Creates a generator with no history.
    public init() {}

    /// Returns an id greater than every id this generator returned before.
    ///
    /// - Parameter now: The current time; tests pass fixed dates. Times before 1970 count as
    ///   1970 and times after year 10889 as the largest timestamp.
    public func next(now: Date = Date()) -> ULID {
        let milliseconds = Self.milliseconds(since1970: now)
        return last.withLock { lastID in
            let id: ULID
            if let previous = lastID, milliseconds <= previous.timestampMilliseconds {
                // A 128-bit increment: when the 80 random bits run out it carries into the
                // timestamp, which moves the id 1 ms ahead but still keeps the order.
                let low = previous.low &+ 1
                id = ULID(high: low == 0 ? previous.high &+ 1 : previous.high, low: low)
            } else {
                var random = SystemRandomNumberGenerator()
                id = ULID(timestamp: milliseconds, random: (random.next(), random.next()))
            }
            lastID = id
            return id
        }
    }

    /// Whole milliseconds since 1970, clamped to what a ULID timestamp holds.
    private static func milliseconds(since1970 date: Date) -> UInt64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        // Written so NaN also lands on zero.
        guard milliseconds > 0 else { return 0 }
        guard milliseconds < Double(ULID.maxTimestamp) else { return ULID.maxTimestamp }
        return UInt64(milliseconds)
    }
}
