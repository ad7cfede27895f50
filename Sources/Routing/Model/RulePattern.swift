import Dispatch
import Foundation
import Synchronization

/// A rule's compiled regular expression, compared by its source text.
public struct RulePattern: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written in the table.
    public let source: String
    // NSRegularExpression is immutable after creation and documented as safe to share between threads.
    private let expression: NSRegularExpression

    /// Compiles `source` (ICU syntax); throws with the engine's message when it is invalid.
    public init(_ source: String) throws {
        self.source = source
        expression = try NSRegularExpression(pattern: source, options: [])
    }

    /// Longest one match may run. A pattern that backtracks catastrophically (`(a+)+$` on a line
    /// of "a"s) would otherwise hold a thread for minutes or more, and a few such complaints would
    /// stop the whole gateway. ICU reports progress during a long match; past this the match stops.
    public static let timeBudgetNanoseconds: UInt64 = 100_000_000

    /// Matches stopped at the time budget, since the process started (for metrics).
    public static var timeouts: Int { timeoutCount.load(ordering: .relaxed) }
    private static let timeoutCount = Atomic<Int>(0)

    /// Whether the pattern finds a match anywhere in `text`; false, counted in ``timeouts``, when
    /// the match ran past the time budget.
    public func matches(_ text: String) -> Bool {
        let started = DispatchTime.now().uptimeNanoseconds
        var found = false
        var timedOut = false
        expression.enumerateMatches(
            in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)
        ) { result, _, stop in
            if result != nil {
                found = true
                stop.pointee = true
            } else if DispatchTime.now().uptimeNanoseconds - started > Self.timeBudgetNanoseconds {
                timedOut = true
                stop.pointee = true
            }
        }
        if timedOut && !found { Self.timeoutCount.add(1, ordering: .relaxed) }
        return found
    }

    public var description: String { source }
    public static func == (lhs: RulePattern, rhs: RulePattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
