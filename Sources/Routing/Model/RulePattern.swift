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

    /// What matching a text found.
    public enum Result: Sendable, Hashable {
        case match
        case noMatch
        /// The match ran past ``timeBudgetNanoseconds`` and was stopped: counted as no match.
        case timedOut
    }

    /// The time budget as explanations state it (`100 ms`).
    public static var timeBudgetDescription: String { "\(timeBudgetNanoseconds / 1_000_000) ms" }

    /// Whether the pattern finds a match anywhere in `text`; false, counted in ``timeouts``, when
    /// the match ran past the time budget.
    public func matches(_ text: String) -> Bool { match(text) == .match }

    /// Matches `text`, telling a stop at the time budget (counted in ``timeouts``) from no match.
    public func match(_ text: String) -> Result {
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
        if found { return .match }
        guard timedOut else { return .noMatch }
        Self.timeoutCount.add(1, ordering: .relaxed)
        return .timedOut
    }

    public var description: String { source }
    public static func == (lhs: RulePattern, rhs: RulePattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
