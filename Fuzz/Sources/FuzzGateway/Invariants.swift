import ComplaintCore
import Foundation

/// Cheap properties every accepted input must have; a violation traps, which libFuzzer reports as a crash.
enum Invariants {
    /// A fixed receive time, so an input always takes the same path.
    static let receivedAt = Date(timeIntervalSince1970: 1_790_000_000)

    /// A draft the gateway would store serializes to JSON that our own strict parser reads back.
    static func encodes(_ complaint: Complaint) {
        // DESIGN.md: text is NFC, whatever the channel; normalizing again must change nothing.
        for (field, text) in [("text", complaint.text), ("subject", complaint.subject)] {
            if let text, TextNormalizer.normalize(text) != text {
                fatalError(
                    "\(field) of a \(complaint.channel.rawValue) draft is not normalized: \(Array(text.unicodeScalars))"
                )
            }
        }
        var writer = JSONWriter()
        complaint.write(to: &writer)
        do {
            _ = try JSONParser.parse(writer.data)
        } catch {
            fatalError("a parsed complaint serialized to unreadable JSON: \(error)")
        }
    }

    /// A JSON value written back out parses to the same value (non-finite numbers are written as null).
    static func roundTrips(_ value: JSONValue) {
        var writer = JSONWriter()
        writer.value(value)
        let again: JSONValue
        do {
            again = try JSONParser.parse(writer.data)
        } catch {
            fatalError("a parsed JSON value serialized to unreadable JSON: \(error)")
        }
        if again != finite(value) { fatalError("JSON value changed in a write/parse round trip") }
    }

    private static func finite(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number) where !number.isFinite: .null
        case .array(let items): .array(items.map(finite))
        case .object(let fields): .object(fields.mapValues(finite))
        default: value
        }
    }
}
