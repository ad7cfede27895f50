import Foundation

/// `${NAME}` and `${NAME:-default}` in configuration values, so secrets never sit in files.
///
/// Interpolation runs on each scalar after YAML parsing, so a value from the environment can
/// never change the structure of the document. `${NAME:-default}` uses the default when the
/// variable is unset or empty (as in the shell); `$$` writes a literal `$`.
public enum EnvironmentInterpolation {
    /// Why a value could not be interpolated.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case unset(String)
        case unterminated
        case badName(String)

        public var description: String {
            switch self {
            case .unset(let name): "environment variable \(name) is not set (use ${\(name):-default} for a default)"
            case .unterminated: "unterminated ${ in value"
            case .badName(let name): "invalid environment variable name \"\(name)\""
            }
        }
    }

    /// Replaces every reference in `text` from `environment`.
    public static func interpolate(_ text: String, environment: [String: String]) -> Result<String, Failure> {
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
            guard let close = text[next...].firstIndex(of: "}") else { return .failure(.unterminated) }
            let body = text[text.index(after: next)..<close]
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
                output += fallback
            } else {
                return .failure(.unset(String(name)))
            }
            index = text.index(after: close)
        }
        return .success(output)
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
