import Foundation
import Yams

/// A cursor into a parsed YAML configuration file that knows where it is.
///
/// Readers ask for typed values; every problem (missing field, wrong type, unknown key, unset
/// environment variable) is reported to the shared ``ConfigDiagnostics`` with file, line and
/// field, and the reader gets a fallback so one pass finds every problem in the file.
public struct ConfigNode {
    /// The YAML node, nil when the field is absent.
    public let node: Node?
    /// The file as shown in messages.
    public let file: String
    /// Dotted field path from the document root.
    public let path: String
    /// Where issues go.
    public let diagnostics: ConfigDiagnostics
    /// Variables for `${…}` interpolation.
    public let environment: [String: String]
    /// The line of the nearest present ancestor, for issues about absent fields.
    let anchorLine: Int?
    /// Whether issues carry the column too (`file:line:column:`); children inherit it.
    public let reportsColumns: Bool

    public init(
        node: Node?, file: String, path: String = "", diagnostics: ConfigDiagnostics,
        environment: [String: String], anchorLine: Int? = nil, reportsColumns: Bool = false
    ) {
        self.node = node
        self.file = file
        self.path = path
        self.diagnostics = diagnostics
        self.environment = environment
        self.anchorLine = anchorLine
        self.reportsColumns = reportsColumns
    }

    /// The same node, with issues located by line and column.
    public func reportingColumns() -> ConfigNode {
        ConfigNode(
            node: node, file: file, path: path, diagnostics: diagnostics, environment: environment,
            anchorLine: anchorLine, reportsColumns: true)
    }

    /// Whether the field is present and not `null`.
    public var isPresent: Bool {
        guard let node else { return false }
        if case .scalar(let scalar) = node, node.null != nil || (scalar.string.isEmpty && scalar.style == .plain) {
            return false
        }
        return true
    }

    /// The line this node starts on, or its nearest present ancestor's.
    public var line: Int? { node?.mark?.line ?? anchorLine }

    /// The column this node starts on (1-based, in characters), nil when absent.
    public var column: Int? { node?.mark?.column }

    /// The column issues report: only when ``reportsColumns`` is set.
    private var reportedColumn: Int? { reportsColumns ? column : nil }

    // MARK: Issues

    /// Reports an error at this node.
    public func error(_ message: String) {
        diagnostics.report(ConfigIssue(file: file, line: line, column: reportedColumn, field: path, message: message))
    }

    /// Reports a warning at this node.
    public func warning(_ message: String) {
        diagnostics.report(
            ConfigIssue(
                file: file, line: line, column: reportedColumn, field: path, message: message, severity: .warning))
    }

    // MARK: Structure

    /// The child at `key` of a mapping (absent when this is not a mapping or has no such key).
    public subscript(key: String) -> ConfigNode {
        let child = node?.mapping?[Node(key)]
        return ConfigNode(
            node: child, file: file, path: path.isEmpty ? key : "\(path).\(key)",
            diagnostics: diagnostics, environment: environment, anchorLine: line, reportsColumns: reportsColumns)
    }

    /// Checks this is a mapping with no keys but `allowed`; reports each stranger with its line.
    /// - Returns: false when the node is present but not a mapping.
    @discardableResult
    public func expectMapping(allowedKeys allowed: Set<String>) -> Bool {
        guard isPresent else { return true }
        guard let mapping = node?.mapping else {
            error("expected a mapping (key: value pairs)")
            return false
        }
        for key in mapping.keys {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                let keyPath = path.isEmpty ? name : "\(path).\(name)"
                let known = allowed.sorted().joined(separator: ", ")
                diagnostics.report(
                    ConfigIssue(
                        file: file, line: key.mark?.line ?? line, column: reportsColumns ? key.mark?.column : nil,
                        field: keyPath, message: "unknown field (known fields: \(known))"))
            }
        }
        return true
    }

    /// The elements of a sequence; reports a non-sequence.
    public func items() -> [ConfigNode] {
        guard isPresent else { return [] }
        guard let sequence = node?.sequence else {
            error("expected a list")
            return []
        }
        return sequence.enumerated().map { index, child in
            ConfigNode(
                node: child, file: file, path: "\(path)[\(index)]", diagnostics: diagnostics,
                environment: environment, anchorLine: line, reportsColumns: reportsColumns)
        }
    }

    /// The key/value pairs of a mapping, in file order; reports a non-mapping.
    public func entries() -> [(key: String, value: ConfigNode)] {
        guard isPresent else { return [] }
        guard let mapping = node?.mapping else {
            error("expected a mapping (key: value pairs)")
            return []
        }
        return mapping.map { key, value in
            let name = key.string ?? "?"
            return (
                name,
                ConfigNode(
                    node: value, file: file, path: path.isEmpty ? name : "\(path).\(name)",
                    diagnostics: diagnostics, environment: environment,
                    anchorLine: key.mark?.line ?? line, reportsColumns: reportsColumns)
            )
        }
    }

    // MARK: Scalars

    /// The interpolated string value, nil when absent (or on error, which is reported).
    public func string() -> String? {
        guard isPresent, let node else { return nil }
        guard case .scalar(let scalar) = node else {
            error("expected a single value, found a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        switch EnvironmentInterpolation.interpolate(scalar.string, environment: environment) {
        case .success(let value): return value
        case .failure(let failure):
            error(failure.description)
            return nil
        }
    }

    /// The string value, reporting when it is missing or empty.
    public func requiredString() -> String? {
        guard isPresent else {
            error("required field is missing")
            return nil
        }
        guard let value = string() else { return nil }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            error("must not be empty")
            return nil
        }
        return value
    }

    /// An integer within `range`, or `defaultValue` when absent.
    /// Whether the value is absent or an integer in `range`, without reporting anything: a check
    /// between two fields is made only when both are valid, so that one bad value is reported once.
    public func isAbsentOrInt(in range: ClosedRange<Int>) -> Bool {
        guard let text = string() else { return true }
        return Int(text.replacingOccurrences(of: "_", with: "")).map(range.contains) ?? false
    }

    public func int(default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) -> Int {
        guard let text = string() else { return defaultValue }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            error("expected an integer, found \"\(text)\"")
            return defaultValue
        }
        guard range.contains(value) else {
            error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return value
    }

    /// A number within `range`, or `defaultValue` when absent.
    public func double(
        default defaultValue: Double,
        in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) -> Double {
        guard let text = string() else { return defaultValue }
        guard let value = Double(text), value.isFinite else {
            error("expected a number, found \"\(text)\"")
            return defaultValue
        }
        guard range.contains(value) else {
            error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return value
    }

    /// A boolean (`true`/`false`, `yes`/`no`, `on`/`off`), or `defaultValue` when absent.
    public func bool(default defaultValue: Bool) -> Bool {
        guard let text = string() else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            error("expected true or false, found \"\(text)\"")
            return defaultValue
        }
    }

    /// One of `cases` by raw value, or `defaultValue` when absent.
    public func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type, default defaultValue: T) -> T
    where T.RawValue == String {
        guard let text = string() else { return defaultValue }
        if let value = T(rawValue: text.lowercased()) { return value }
        error("\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        return defaultValue
    }

    /// A secret (token, signing key): ``string()`` without spaces and line breaks at either end,
    /// with a warning when it had some. A secret read from a file (`kubectl create secret
    /// --from-file`, `echo token > file`, a CRLF `.env`) keeps its line end, and a key that is
    /// compared or signed with would never match what the other side holds.
    public func secretString() -> String? {
        string().map(trimmedSecret)
    }

    /// ``secretString()`` for a secret that must be given: missing or empty is an error, as for
    /// ``requiredString()``.
    public func requiredSecretString() -> String? {
        guard let value = requiredString().map(trimmedSecret) else { return nil }
        if value.isEmpty { error("must not be empty") }
        return value.isEmpty ? nil : value
    }

    private func trimmedSecret(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed != value, !trimmed.isEmpty {
            warning(
                "the value begins or ends with a space or line break (a secret read from a file with its line end?): "
                    + "taken without it")
        }
        return trimmed
    }

    /// A list of strings; a single scalar counts as a list of one.
    public func stringList() -> [String] {
        guard isPresent, let node else { return [] }
        if case .scalar = node { return string().map { [$0] } ?? [] }
        return items().compactMap { $0.string() }
    }
}

extension ConfigNode {
    /// Parses a YAML file into a root node; a syntax error is reported with its line.
    ///
    /// - Parameters:
    ///   - url: the file to read.
    ///   - displayName: how messages name the file (e.g. `routing/keywords.yaml`).
    /// - Returns: the root, absent when the file could not be read or parsed.
    public static func load(
        url: URL, displayName: String, diagnostics: ConfigDiagnostics,
        environment: [String: String]
    ) -> ConfigNode {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            // Foundation's "The operation could not be completed" says less than the file's state.
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let why =
                !exists
                ? "no such file" : isDirectory.boolValue ? "a directory, not a file" : "not readable (permissions?)"
            diagnostics.reportUnreadable(
                ConfigIssue(file: displayName, line: nil, field: "", message: "cannot read file: \(why)"))
            return ConfigNode(
                node: nil, file: displayName, diagnostics: diagnostics, environment: environment, anchorLine: 1)
        }
        return parse(data: data, displayName: displayName, diagnostics: diagnostics, environment: environment)
    }

    /// Parses a file's bytes (UTF-8 YAML) into a root node, for callers that already read them.
    public static func parse(
        data: Data, displayName: String, diagnostics: ConfigDiagnostics, environment: [String: String]
    ) -> ConfigNode {
        guard let text = String(data: data, encoding: .utf8) else {
            // The first line that is not UTF-8: 0x0A is never part of a UTF-8 or a GBK character.
            let line = data.split(separator: 0x0A, omittingEmptySubsequences: false)
                .firstIndex { String(validating: $0, as: UTF8.self) == nil }.map { $0 + 1 }
            diagnostics.reportUnreadable(
                ConfigIssue(
                    file: displayName, line: line, field: "",
                    message: "file is not valid UTF-8: save it as UTF-8 (an editor's \"GBK\" or \"ANSI\" is not read)"))
            return ConfigNode(
                node: nil, file: displayName, diagnostics: diagnostics, environment: environment, anchorLine: 1)
        }
        return parse(yaml: text, displayName: displayName, diagnostics: diagnostics, environment: environment)
    }

    /// Parses YAML text into a root node; a syntax error is reported with its line.
    public static func parse(
        yaml text: String, displayName: String, diagnostics: ConfigDiagnostics,
        environment: [String: String]
    ) -> ConfigNode {
        do {
            let node = try Yams.compose(yaml: text)
            return ConfigNode(
                node: node, file: displayName, diagnostics: diagnostics, environment: environment, anchorLine: 1)
        } catch let error as YamlError {
            let (line, message) = describe(error, in: text)
            diagnostics.reportUnreadable(
                ConfigIssue(file: displayName, line: line, field: "", message: "YAML syntax error: \(message)"))
        } catch {
            diagnostics.reportUnreadable(
                ConfigIssue(file: displayName, line: nil, field: "", message: "YAML syntax error: \(error)"))
        }
        return ConfigNode(
            node: nil, file: displayName, diagnostics: diagnostics, environment: environment, anchorLine: 1)
    }

    /// The 1-based line where `key` comes again at the indentation of its first use on `firstLine`
    /// (before another key of less indentation ends that mapping); nil when it cannot be told.
    static func repeatedKeyLine(_ key: String, firstLine: Int, in text: String) -> Int? {
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard firstLine >= 1, firstLine <= lines.count else { return nil }
        func keyAndIndent(_ line: Substring) -> (Substring, Int)? {
            let indent = line.prefix { $0 == " " }.count
            var rest = line.dropFirst(indent)
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2) }
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            let name = rest[..<colon].trimmingCharacters(in: .whitespaces)
            let unquoted =
                name.count >= 2 && (name.first == "\"" || name.first == "'") ? name.dropFirst().dropLast() : name[...]
            return (unquoted, line.count - rest.count)
        }
        guard let (firstKey, indent) = keyAndIndent(lines[firstLine - 1]), firstKey == key else { return nil }
        for index in firstLine..<lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.hasPrefix("#") { continue }
            let lineIndent = line.count - content.count
            if lineIndent < indent { return nil }
            if lineIndent == indent, let (name, _) = keyAndIndent(line), name == key { return index + 1 }
        }
        return nil
    }

    private static func describe(_ error: YamlError, in text: String) -> (Int?, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (mark.line, prefix + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // The parser marks the first of the keys; the one to look at is the repeat, which
            // would silently replace it.
            if duplicates.count == 1,
                let repeated = repeatedKeyLine(duplicates[0], firstLine: context.mark.line, in: text)
            {
                return (
                    repeated,
                    "duplicate key \"\(duplicates[0])\" (first at line \(context.mark.line)): remove one of the two"
                )
            }
            return (context.mark.line, "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return (nil, "\(error)")
        }
    }
}
