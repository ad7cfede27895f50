import ComplaintCore
import Foundation

/// Builds the `complaint/v1` draft every provider produces: sender in E.164, NFC text, the provider's
/// message id as `source.external_id` (so a provider's retry is a duplicate), the rest in `source.extra`.
struct SMSDraft {
    /// Senders without a country code are read as Chinese numbers (Alibaba Cloud sends domestic numbers).
    static let phones = PhoneNormalizer(defaultCountryCode: "86")

    var adapter: String
    var externalID: String?
    /// The sender as the provider wrote it.
    var from: String?
    var text: String
    var receivedAt: Date
    var extra: [String: JSONValue] = [:]
    /// `from` is international digits without `+` (Vonage `msisdn`, Plivo `From`): read with the `+`.
    var fromIsBareDigits = false

    /// The draft; a sender that is not a phone number (an alphanumeric sender id, a short code) stays in
    /// `source.extra.from_raw` as the provider wrote it, so nobody loses what it sent (so does a sender
    /// with a channel prefix).
    func complaint() -> Complaint {
        var extra = self.extra
        var complainant = Complaint.Complainant()
        if let sender = from {
            let candidate = fromIsBareDigits ? Self.plus(sender) : sender
            // Twilio writes a sender on another channel with the channel's name before a colon
            // (`whatsapp:+8613812345678`, `rcs:+8613812345678`): the number after it is the sender.
            let number = Self.withoutChannelPrefix(candidate)
            if number.startIndex != candidate.startIndex { extra["from_raw"] = .string(sender) }
            switch Self.phones.normalize(String(number)) {
            case .e164(let number): complainant.phone = number
            case .empty: break
            case .withheld:
                complainant.anonymous = true
                extra["from_raw"] = .string(sender)
            case .invalid: extra["from_raw"] = .string(sender)
            }
        }
        let text = TextNormalizer.normalize(text)
        return Complaint(
            id: "", channel: .sms, receivedAt: receivedAt, ingestedAt: receivedAt,
            source: Complaint.Source(adapter: adapter, externalID: externalID, extra: extra),
            complainant: complainant, text: text, location: Complaint.Location(address: LabelledAddress.find(in: text)))
    }

    /// The address after a channel name and colon (`whatsapp:`, `rcs:`, `messenger:`), or the whole.
    static func withoutChannelPrefix(_ sender: String) -> Substring {
        guard let colon = sender.utf8.firstIndex(of: UInt8(ascii: ":")) else { return sender[...] }
        let scheme = sender.utf8[..<colon]
        guard (1...16).contains(scheme.count), scheme.allSatisfy({ (0x61...0x7A).contains($0 | 0x20) }) else {
            return sender[...]
        }
        return sender[sender.index(after: colon)...]
    }

    /// International digits without `+` (Vonage `msisdn`, Plivo `From`) as an E.164 candidate.
    static func plus(_ digits: String) -> String {
        let trimmed = digits.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return trimmed }
        return "+" + trimmed
    }

    /// The form parameters not mapped elsewhere, as strings (repeated names become arrays).
    ///
    /// `mapped` is a handful of names, searched in order: cheaper than hashing each name into a set.
    static func extra(_ parameters: [FormParameter], excluding mapped: [String]) -> [String: JSONValue] {
        var extra: [String: JSONValue] = [:]
        extra.reserveCapacity(parameters.count)
        for parameter in parameters where !mapped.contains(parameter.name) {
            // One hash lookup for the usual, unrepeated name; a repeat replaces what it displaced.
            guard let existing = extra.updateValue(.string(parameter.value), forKey: parameter.name) else { continue }
            switch existing {
            case .array(let values): extra[parameter.name] = .array(values + [.string(parameter.value)])
            default: extra[parameter.name] = .array([existing, .string(parameter.value)])
            }
        }
        return extra
    }
}

extension JSONValue {
    /// The value at a dotted path (`data.payload.from.phone_number`; numbers index arrays).
    func value(at path: [Substring]) -> JSONValue? {
        var current = self
        for key in path {
            switch current {
            case .object(let fields):
                guard let next = fields[String(key)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    /// A scalar as text: strings as they are, integral numbers without a fraction, booleans as words.
    var scalarText: String? {
        switch self {
        case .string(let value): value
        case .number(let value):
            value.rounded() == value && abs(value) < 9e18 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }

    /// The object's fields, or nil.
    var objectFields: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }
}

/// Reading a provider's JSON body with errors that name the field (never its value).
enum SMSJSON {
    static func parse(_ body: Data) throws(SMSParseError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw SMSParseError("malformed JSON at \(error)")
        }
    }

    static func object(_ value: JSONValue, _ what: String) throws(SMSParseError) -> [String: JSONValue] {
        guard let fields = value.objectFields else { throw SMSParseError("\(what): expected a JSON object") }
        return fields
    }

    /// A required text field (strings or numbers are accepted, as providers disagree).
    static func text(_ fields: [String: JSONValue], _ key: String, in what: String = "body")
        throws(SMSParseError) -> String
    {
        guard let value = fields[key] else { throw SMSParseError("\(what).\(key): required field is missing") }
        guard let text = value.scalarText else { throw SMSParseError("\(what).\(key): expected a string") }
        return text
    }
}

/// Provider time formats.
enum SMSTime {
    /// `YYYY-MM-DD HH:MM:SS` at a fixed offset (Vonage writes UTC, Alibaba Cloud Beijing time);
    /// also the compact `YYYYMMDDHHMMSS` of Alibaba Cloud's older samples. A zone written after
    /// the time (` +0000`, `+00:00`, `Z`, ` UTC`, as Vonage's API reference shows
    /// `2020-01-01 12:00:00 +0000`) wins over `offset`.
    static func parseSpaced(_ text: String, offset: String) -> Date? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = Array(trimmed.utf8)
        if digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }) {
            let part = { (range: Range<Int>) in String(decoding: digits[range], as: UTF8.self) }
            trimmed = "\(part(0..<4))-\(part(4..<6))-\(part(6..<8)) \(part(8..<10)):\(part(10..<12)):\(part(12..<14))"
        }
        guard trimmed.utf8.count >= 19 else { return nil }
        let time = String(trimmed.prefix(19))
        guard let zone = writtenZone(trimmed.dropFirst(19).trimmingCharacters(in: .whitespaces)) else { return nil }
        return RFC3339.parse(time + (zone.isEmpty ? offset : zone))
    }

    /// A zone after the time as RFC 3339 writes it (`Z`, `+08:00`); empty when none is written,
    /// nil when what is written is not a zone.
    private static func writtenZone(_ text: String) -> String? {
        if text.isEmpty { return "" }
        if ["z", "utc", "gmt"].contains(text.lowercased()) { return "Z" }
        let bytes = Array(text.utf8)
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = bytes.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            bytes.count == 5 || (bytes.count == 6 && bytes[3] == UInt8(ascii: ":"))
        else { return nil }
        let d = String(decoding: digits, as: UTF8.self)
        return "\(Character(UnicodeScalar(sign)))\(d.prefix(2)):\(d.suffix(2))"
    }

    /// Unix seconds (number or string).
    static func unixSeconds(_ value: JSONValue?) -> Date? {
        guard let text = value?.scalarText, let seconds = Int64(text) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
