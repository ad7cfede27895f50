import ComplaintCore
import Foundation
import Mustache

/// A department's own body shape: a Mustache template rendered from the `complaint/v1` record
/// (`endpoint.body_template` in departments.yaml, a file relative to the config directory).
///
/// Variables are the record's fields by their JSON names (`{{id}}`, `{{routing.department}}`,
/// `{{#attachments}}…{{/attachments}}`); `{{{record_json}}}` is the whole record as JSON. For a
/// JSON content type, `{{name}}` escapes the value for use inside a JSON string (quotes,
/// backslashes, control characters), so a complainant's text cannot break the document; the
/// rendered body must then parse as JSON or the delivery is a dead letter (a retry cannot fix
/// a template).
public struct BodyTemplate: Sendable, Hashable {
    /// The template's file as named in the configuration (for messages).
    public let source: String
    /// The template text.
    public let text: String
    /// `body_content_type` (default `application/json`): the `Content-Type` of the rendered body.
    public let contentType: String
    let template: MustacheTemplate

    /// Why a template could not be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Compiles `text`; a syntax error names its line and column in the template.
    public init(source: String, text: String, contentType: String = "application/json") throws(Failure) {
        self.source = source
        self.text = text
        self.contentType = contentType
        Self.registerJSONContentType
        let prefix = Self.isJSON(contentType) ? "{{% CONTENT_TYPE: JSON_STRING}}" : ""
        do {
            template = try MustacheTemplate(string: prefix + text)
        } catch let error as MustacheTemplate.ParserError {
            let context = error.context
            throw Failure(
                description:
                    "\(source):\(context.lineNumber):\(context.columnNumber): template syntax error: \(error.error)")
        } catch {
            throw Failure(description: "\(source): template syntax error: \(error)")
        }
    }

    /// Renders the body for one committed record.
    public func render(record: Data) throws(Failure) -> Data {
        let value: JSONValue
        do {
            value = try JSONParser.parse(record)
        } catch {
            throw Failure(description: "stored record is not JSON: \(error)")
        }
        var context = (Self.mustacheValue(value) as? [String: Any]) ?? [:]
        context["record_json"] = String(decoding: record, as: UTF8.self)
        let output = Data(template.render(context).utf8)
        if Self.isJSON(contentType) {
            do {
                _ = try JSONParser.parse(output)
            } catch {
                throw Failure(description: "body template \(source) rendered invalid JSON: \(error)")
            }
        }
        return output
    }

    public static func == (lhs: BodyTemplate, rhs: BodyTemplate) -> Bool {
        lhs.source == rhs.source && lhs.text == rhs.text && lhs.contentType == rhs.contentType
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(text)
        hasher.combine(contentType)
    }

    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return type.lowercased() == "application/json" || type.lowercased().hasSuffix("+json")
    }

    /// JSON nulls are left out, so `{{#field}}` sections skip them; whole numbers print without `.0`.
    static func mustacheValue(_ value: JSONValue) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return Int(number) }
            return number
        case .string(let text): return text
        case .array(let items): return items.compactMap(mustacheValue)
        case .object(let fields): return fields.compactMapValues(mustacheValue)
        }
    }

    private static let registerJSONContentType: Void = {
        MustacheContentTypes.register(JSONStringContent(), named: "JSON_STRING")
    }()
}

/// Escapes text for the inside of a JSON string literal (RFC 8259 §7).
struct JSONStringContent: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                output += String(format: "\\u%04x", control.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
