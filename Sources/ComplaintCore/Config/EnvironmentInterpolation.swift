import Foundation

/// `${NAME}` and `${NAME:-default}` in configuration values, so secrets never sit in files.
///
/// Interpolation runs on each scalar after YAML parsing, so a value from the environment can
/// never change the structure of the document. `${NAME:-default}` uses the default when the
/// variable is unset or empty (as in the shell), and the default may itself hold references
/// (`${OPS_TOKEN:-${GATEWAY_TOKEN}}`); `$$` writes a literal `$`.
public enum EnvironmentInterpolation {
    /// Why a value could not be interpolated.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case unset(String)
        case unterminated
        case badName(String)
        case tooDeep

        public var description: String {
            switch self {
            case .unset(let name): "environment variable \(name) is not set (use ${\(name):-default} for a default)"
            case .unterminated: "unterminated ${ in value"
            case .badName(let name): "invalid environment variable name \"\(name)\""
            case .tooDeep: "defaults nested more than \(EnvironmentInterpolation.maxDepth) deep"
            }
        }
    }

    /// Replaces every reference in `text` from `environment`.
    public static func interpolate(_ text: String, environment: [String: String]) -> Result<String, Failure> {
        interpolate(text, environment: environment, depth: 0)
    }

    /// Defaults may hold references themselves (`${OPS_TOKEN:-${GATEWAY_TOKEN}}`), as in the
    /// shell; they are read only when used. Nesting deeper than this is refused.
    static let maxDepth = 8

    private static func interpolate(
        _ text: String, environment: [String: String], depth: Int
    ) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = matchingClose(in: text, from: bodyStart) else { return .failure(.unterminated) }
            let body = text[bodyStart..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else { return .failure(.badName(String(name))) }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                guard depth < maxDepth else { return .failure(.tooDeep) }
                switch interpolate(String(fallback), environment: environment, depth: depth + 1) {
                case .success(let value): output += value
                case .failure(let failure): return .failure(failure)
                }
            } else {
                return .failure(.unset(String(name)))
            }
            index = text.index(after: close)
        }
        return .success(output)
    }

    /// The `}` that closes the reference whose body starts at `start`, past nested `${…}` and `$$`.
    private static func matchingClose(in text: String, from start: String.Index) -> String.Index? {
        var depth = 1
        var index = start
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "$", next < text.endIndex, text[next] == "$" || text[next] == "{" {
                if text[next] == "{" { depth += 1 }
                index = text.index(after: next)
                continue
            }
            if character == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = next
        }
        return nil
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || $0.isASCIIDigit }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
