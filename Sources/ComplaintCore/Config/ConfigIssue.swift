/// One problem found while loading configuration, located by file, line and field.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// Whether the problem stops the configuration from being used.
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// The file as the user named it, relative to the config directory when possible.
    public var file: String
    /// 1-based line, when the problem can be placed.
    public var line: Int?
    /// 1-based column (a YAML character column, or a CSV field number), for files that report one.
    public var column: Int?
    /// Dotted path of the field (`departments[2].endpoint.url`), empty for the whole file.
    public var field: String
    public var message: String
    public var severity: Severity

    public init(
        file: String, line: Int?, column: Int? = nil, field: String, message: String, severity: Severity = .error
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.severity = severity
    }

    /// `routing/keywords.yaml:14: rules[2].then.department: unknown department "urban"`
    /// (`routing/keywords.yaml:14:21: …` when the column is known).
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if severity == .warning { text += "warning: " }
        if !field.isEmpty { text += "\(field): " }
        return text + message
    }
}

/// Loading failed: every error found (and any warnings), not just the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a configuration is read, so one pass reports them all.
public final class ConfigDiagnostics {
    public private(set) var issues: [ConfigIssue] = []

    public init() {}

    public var errors: [ConfigIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ConfigIssue] { issues.filter { $0.severity == .warning } }
    public var hasErrors: Bool { issues.contains { $0.severity == .error } }

    /// Files that could not be read or parsed. Once the reason is reported, nothing more is
    /// said of them: their fields would all read as missing, which is not the problem.
    public private(set) var unreadableFiles: Set<String> = []

    public func report(_ issue: ConfigIssue) {
        guard !unreadableFiles.contains(issue.file) else { return }
        issues.append(issue)
    }

    /// Reports why `file` could not be read or parsed; later issues about it are dropped.
    public func reportUnreadable(_ issue: ConfigIssue) {
        report(issue)
        unreadableFiles.insert(issue.file)
    }

    /// Forgets the issues `irrelevant` picks: problems in parts of the configuration that are not read.
    public func discard(where irrelevant: (ConfigIssue) -> Bool) { issues.removeAll(where: irrelevant) }

    /// Throws a ``ConfigError`` holding every issue when any of them is an error.
    public func throwIfErrors() throws {
        if hasErrors { throw ConfigError(issues: inFileOrder) }
    }

    /// The issues file by file (in the order files were read), each file's by line: checks run
    /// field by field, and an author fixes a file from the top.
    public var inFileOrder: [ConfigIssue] {
        var fileRank: [String: Int] = [:]
        for issue in issues where fileRank[issue.file] == nil { fileRank[issue.file] = fileRank.count }
        return issues.enumerated()
            .sorted { a, b in
                (fileRank[a.element.file]!, a.element.line ?? 0, a.offset)
                    < (fileRank[b.element.file]!, b.element.line ?? 0, b.offset)
            }
            .map(\.element)
    }
}
