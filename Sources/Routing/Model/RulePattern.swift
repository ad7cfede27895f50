import Foundation

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

    /// Whether the pattern finds a match anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, options: [], range: NSRange(text.startIndex..., in: text)) != nil
    }

    public var description: String { source }
    public static func == (lhs: RulePattern, rhs: RulePattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
